package dev.ncelab.core.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One finished step, as listeners see it. {@code metrics} are the objective's (empty when the step was skipped
 * as non-finite); listeners that run earlier may add figures to {@code extra} (the evaluation) for later ones (the
 * metric row) and may mark the step as the last.
 *
 * @param step the step's number (1-based)
 * @param epoch the step's epoch (1-based)
 * @param skipped why the update was skipped, or null
 */
public final class StepEvent {
    private final long step;
    private final int epoch;
    private final String learner;
    private final Map<String, Double> metrics;
    private final String skipped;
    private final boolean epochEnd;
    private final int evalEvery;
    private boolean last;
    private final Map<String, Object> extra = new LinkedHashMap<>();

    StepEvent(long step, int epoch, String learner, Map<String, Double> metrics, String skipped, boolean epochEnd,
            boolean last, int evalEvery) {
        this.step = step;
        this.epoch = epoch;
        this.learner = learner;
        this.metrics = metrics;
        this.skipped = skipped;
        this.epochEnd = epochEnd;
        this.last = last;
        this.evalEvery = evalEvery;
    }

    public long step() {
        return step;
    }

    public int epoch() {
        return epoch;
    }

    public String learner() {
        return learner;
    }

    public Map<String, Double> metrics() {
        return metrics;
    }

    public String skipped() {
        return skipped;
    }

    public boolean epochEnd() {
        return epochEnd;
    }

    /** Whether no step follows (the step budget, a time limit, a stop request or divergence). */
    public boolean last() {
        return last;
    }

    /** Marks this step as the last one. */
    public void markLast() {
        last = true;
    }

    /** Whether the truth metrics are due: every {@code logging.eval_every} steps, at each epoch's end and last. */
    public boolean evaluate() {
        return step % evalEvery == 0 || epochEnd || last;
    }

    public Map<String, Object> extra() {
        return extra;
    }
}
