package dev.ncelab.plugins.training;

import ai.djl.ndarray.NDArray;
import dev.ncelab.core.math.Scalars;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.objective.Step;
import dev.ncelab.core.sample.Sampler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Contrastive divergence / maximum likelihood with MCMC negatives (Hinton 2002; short-run and persistent
 * Langevin as in Du and Mordatch 2019). With E(x) = -log p~(x) the energy, each step draws negatives x- from the
 * experiment's sampler (outside the recording: the sampler runs its own gradient scope) and minimises
 * mean E(x+) - mean E(x-) + alpha (mean E(x+)^2 + mean E(x-)^2), whose gradient is the maximum-likelihood
 * gradient when x- follows the model. Persistent chains are the sampler's replay buffer ({@code init: buffer}).
 *
 * <p>The contrastive term does not depend on c = log Z (it cancels), so c is not learned as log Z: with alpha > 0
 * c only centres the energies like any other bias. Reported: {@code cd_loss} (the minimised loss),
 * {@code energy_gap} = mean E(x-) - mean E(x+) (positive while the model still tells data from its samples;
 * near 0 at equilibrium) and {@code energy_sq}, the mean E^2 over data and samples that alpha weighs.
 */
final class CdObjective implements Objective {
    private final EnergyModel energy;
    private final Sampler sampler;
    private final float alpha;
    private final int negatives;

    /** @param negatives samples per step; 0: as many as the batch */
    CdObjective(EnergyModel energy, Sampler sampler, double alpha, int negatives) {
        this.energy = energy;
        this.sampler = sampler;
        this.alpha = (float) alpha;
        this.negatives = negatives;
    }

    @Override
    public List<Player> players() {
        return List.of(new Player(Player.ENERGY, energy.parameters()));
    }

    @Override
    public List<String> metrics() {
        return List.of("cd_loss", "energy_gap", "energy_sq");
    }

    @Override
    public boolean identifiesLogZ() {
        return false;
    }

    @Override
    public Step.Outcome step(Step step) {
        int n = negatives > 0 ? negatives : (int) step.batch().getShape().get(0);
        NDArray neg = sampler.sample(step.manager(), energy, n, step.random());
        return step.record(() -> terms(energy.logDensity(step.batch()), energy.logDensity(neg)));
    }

    /** The loss and metrics from log p~ of the data and of the samples. */
    Step.Terms terms(NDArray logpData, NDArray logpSamples) {
        NDArray ePos = logpData.neg();
        NDArray eNeg = logpSamples.neg();
        NDArray gap = eNeg.mean().sub(ePos.mean());
        NDArray sq = ePos.square().mean().add(eNeg.square().mean());
        NDArray loss = gap.neg().add(Scalars.mul(sq, alpha));
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put("cd_loss", loss);
        m.put("energy_gap", gap);
        m.put("energy_sq", Scalars.mul(sq, 0.5f));
        return new Step.Terms(loss, m);
    }
}
