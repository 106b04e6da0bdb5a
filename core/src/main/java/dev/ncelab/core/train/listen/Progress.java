package dev.ncelab.core.train.listen;

import dev.ncelab.core.train.StepEvent;
import dev.ncelab.core.train.Training;
import dev.ncelab.core.train.TrainingListener;

/** Shows training on the console (the CLI's progress bar; nothing in tests and sweeps). */
public interface Progress extends TrainingListener {
    void start(long totalSteps, long firstStep);

    void step(StepEvent event);

    default void done() {}

    @Override
    default void onStart(Training t) {
        start(t.totalSteps(), t.state().step);
    }

    @Override
    default void onStep(Training t, StepEvent e) {
        step(e);
    }

    @Override
    default void close() {
        done();
    }

    /** No console output. */
    Progress QUIET = new Progress() {
        @Override
        public void start(long totalSteps, long firstStep) {}

        @Override
        public void step(StepEvent event) {}
    };
}
