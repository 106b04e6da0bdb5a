package dev.ncelab.core.train.listen;

import dev.ncelab.core.run.RunStatus;
import dev.ncelab.core.train.StepEvent;
import dev.ncelab.core.train.Training;
import dev.ncelab.core.train.TrainingListener;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** What ends a run before its step budget. Each runs before the listeners that act on the last step. */
public final class Limits {
    private static final Logger LOG = LogManager.getLogger(Limits.class);

    private Limits() {}

    /** A stop request (Ctrl-C, SIGTERM): the step ends, the run is marked interrupted and checkpointed. */
    public static TrainingListener stopRequest(AtomicBoolean requested) {
        return new TrainingListener() {
            @Override
            public void onStep(Training t, StepEvent e) {
                if (requested.get() && !e.last()) {
                    t.stop(RunStatus.INTERRUPTED, "interrupted at step " + e.step());
                    e.markLast();
                }
            }
        };
    }

    /** {@code training.max_seconds}: the run finishes (status finished) at the first step past the limit. */
    public static TrainingListener timeLimit(Double maxSeconds) {
        return new TrainingListener() {
            @Override
            public void onStep(Training t, StepEvent e) {
                if (maxSeconds != null && t.state().seconds >= maxSeconds && !e.last()) {
                    LOG.info("training.max_seconds reached at step {}", e.step());
                    e.markLast();
                }
            }
        };
    }

    /** {@code training.max_nonfinite} skipped steps in a row stop the run as diverged (no checkpoint is written). */
    public static TrainingListener divergence(int maxNonfinite) {
        return new TrainingListener() {
            @Override
            public void onStep(Training t, StepEvent e) {
                int bad = t.state().consecutiveNonfinite;
                if (bad >= maxNonfinite) {
                    t.stop(RunStatus.DIVERGED, "diverged at step " + e.step() + ": " + e.skipped()
                            + ", non-finite for " + bad + " steps in a row (from step " + (e.step() - bad + 1)
                            + "); the last good checkpoint is kept");
                    e.markLast();
                }
            }
        };
    }
}
