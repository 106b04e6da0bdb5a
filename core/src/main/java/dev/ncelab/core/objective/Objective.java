package dev.ncelab.core.objective;

import java.util.List;

/**
 * What one training step computes: an estimator (NCE, FCE's value, maximum likelihood, contrastive divergence,
 * score matching). An objective is created with what it needs, taken from its {@link
 * dev.ncelab.core.plugin.PluginContext} (the energy model, a noise model or a sampler only when it uses one). It
 * names the players it can train; the schedule picks one per step, and {@link #step} returns the loss that player
 * minimises with the metrics the objective reports.
 */
public interface Objective {
    /** The models this objective can train, in order; the first is the one the {@code nce} schedule trains. */
    List<Player> players();

    /** The names of the metrics {@link #step} returns, in order (they become metric columns). */
    List<String> metrics();

    /**
     * One step for {@code step.learner()}. Work that must not be recorded (MCMC sampling) happens first; the
     * forward pass runs inside {@link Step#record}, which is called exactly once.
     */
    Step.Outcome step(Step step);

    /** Whether the objective determines c = log Z (ranking NCE, CD and DSM do not). */
    default boolean identifiesLogZ() {
        return true;
    }
}
