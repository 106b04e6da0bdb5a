package dev.ncelab.core.train;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Observes training (DJL's idea): evaluation, plots, checkpoints, metric rows, progress, time limits and stop
 * requests are each one listener. Listeners run in order; each declares the metric columns it produces.
 */
public interface TrainingListener {
    /** The metric columns this listener produces (in the order they appear). */
    default List<String> columns() {
        return List.of();
    }

    /** Before the first step (of this launch: {@link Training#resumed()} says whether it continues a run). */
    default void onStart(Training training) {}

    /** After each step, completed or skipped. */
    default void onStep(Training training, StepEvent event) {}

    /** After the last step: add what this listener knows to the summary. */
    default void onEnd(Training training, Map<String, Object> summary) {}

    /** Always called, also when training failed (release consoles, files). */
    default void close() {}

    /**
     * {@code inner}, run inside {@code scope} (which runs what it is given, with something set up around it) at the
     * steps {@code due} picks and at the end; every other call goes straight to {@code inner}.
     */
    static TrainingListener within(TrainingListener inner, Predicate<StepEvent> due, Consumer<Runnable> scope) {
        return new TrainingListener() {
            @Override
            public List<String> columns() {
                return inner.columns();
            }

            @Override
            public void onStart(Training t) {
                inner.onStart(t);
            }

            @Override
            public void onStep(Training t, StepEvent e) {
                if (due.test(e)) {
                    scope.accept(() -> inner.onStep(t, e));
                } else {
                    inner.onStep(t, e);
                }
            }

            @Override
            public void onEnd(Training t, Map<String, Object> summary) {
                scope.accept(() -> inner.onEnd(t, summary));
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
