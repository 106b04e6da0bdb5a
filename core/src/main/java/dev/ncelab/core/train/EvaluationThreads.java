package dev.ncelab.core.train;

import java.util.function.IntConsumer;

/**
 * The engine's intra-op threads for what a run computes between training steps: the evaluations, the log Z
 * calibration and the density plots. Training steps use {@code training.threads}; these may use every core the run
 * is given, which the runner knows (a lone run: the machine's cores; a sweep worker: its share). On 2 cores with
 * {@code training.threads: 1} an evaluation was 1.3-1.7 times as fast (docs/performance.md). The numbers stay the
 * same: these passes are matrix products, which MKL's strict reproducible mode (the launcher's {@code
 * MKL_CBWR=AUTO,STRICT}) computes bit for bit alike on any number of threads, and row-wise element operations;
 * {@code EvaluationThreadsTest} checks a run's metrics at 1 and 2 threads.
 *
 * @param threads intra-op threads for those passes (no change when at most {@code training.threads})
 * @param engine sets the engine's intra-op threads
 */
public record EvaluationThreads(int threads, IntConsumer engine) {
    /** Evaluations run with the training threads. */
    public static final EvaluationThreads SAME = new EvaluationThreads(0, n -> { });

    /**
     * {@code inner}, with the engine at {@link #threads} while it acts at an evaluation step (which includes the
     * last step and each epoch's end) and at the end, and back at {@code training} threads after.
     */
    public TrainingListener around(TrainingListener inner, int training) {
        if (threads <= training) {
            return inner;
        }
        return TrainingListener.within(inner, StepEvent::evaluate, work -> wide(work, training));
    }

    private void wide(Runnable work, int training) {
        engine.accept(threads);
        try {
            work.run();
        } finally {
            engine.accept(training);
        }
    }
}
