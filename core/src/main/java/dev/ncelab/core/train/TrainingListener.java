package dev.ncelab.core.train;

import java.util.List;
import java.util.Map;

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
}
