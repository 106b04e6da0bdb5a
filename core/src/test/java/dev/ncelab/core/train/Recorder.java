package dev.ncelab.core.train;

import dev.ncelab.core.model.Adam;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.run.RunDirectory;
import dev.ncelab.core.run.RunStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test listeners and a stand-in for the driver, so that a listener can be tested on its own. */
class Recorder implements TrainingListener {
    final String name;
    final List<String> log;
    final List<StepEvent> events = new ArrayList<>();
    List<String> columns = List.of();

    Recorder(String name, List<String> log) {
        this.name = name;
        this.log = log;
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public void onStart(Training t) {
        log.add(name + ".start");
    }

    @Override
    public void onStep(Training t, StepEvent e) {
        log.add(name + ".step" + e.step());
        events.add(e);
    }

    @Override
    public void onEnd(Training t, Map<String, Object> summary) {
        log.add(name + ".end");
    }

    @Override
    public void close() {
        log.add(name + ".close");
    }

    /** A {@link Training} over a real experiment whose state the test sets by hand. */
    static final class Fake implements Training {
        final Experiment exp;
        final RunDirectory dir;
        final TrainingState state = new TrainingState();
        RunStatus status = RunStatus.FINISHED;
        String message;
        long total = 100;

        Fake(Experiment exp, RunDirectory dir) {
            this.exp = exp;
            this.dir = dir;
        }

        @Override
        public Experiment experiment() {
            return exp;
        }

        @Override
        public RunDirectory directory() {
            return dir;
        }

        @Override
        public TrainingState state() {
            return state;
        }

        @Override
        public List<Player> players() {
            return exp.objective().players();
        }

        @Override
        public Map<String, Adam> optimizers() {
            return new LinkedHashMap<>();
        }

        @Override
        public List<TrainingListener> listeners() {
            return List.of();
        }

        @Override
        public long totalSteps() {
            return total;
        }

        @Override
        public boolean resumed() {
            return false;
        }

        @Override
        public void stop(RunStatus s, String why) {
            if (status == RunStatus.FINISHED) {
                status = s;
                message = why;
            }
        }

        @Override
        public RunStatus status() {
            return status;
        }
    }

    /** A step event as the driver makes it. */
    static StepEvent event(long step, Map<String, Double> metrics, boolean epochEnd, boolean last, int evalEvery) {
        return new StepEvent(step, 1, "energy", metrics, null, epochEnd, last, evalEvery);
    }
}
