package dev.ncelab.examples.mcmc;

import ai.djl.ndarray.NDArray;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.objective.Step;
import dev.ncelab.core.sample.Sampler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal contrastive-divergence objective written against core's interfaces only: negatives from whatever
 * sampler the experiment configures (drawn before the recording), loss = mean E(data) - mean E(samples) +
 * l2 (mean E(data)^2 + mean E(samples)^2). Reported: {@code gap} = mean E(samples) - mean E(data).
 */
final class SimpleCdObjective implements Objective {
    private final EnergyModel energy;
    private final Sampler sampler;
    private final float l2;

    SimpleCdObjective(EnergyModel energy, Sampler sampler, double l2) {
        this.energy = energy;
        this.sampler = sampler;
        this.l2 = (float) l2;
    }

    @Override
    public List<Player> players() {
        return List.of(new Player(Player.ENERGY, energy.parameters()));
    }

    @Override
    public List<String> metrics() {
        return List.of("gap");
    }

    @Override
    public boolean identifiesLogZ() {
        return false;
    }

    @Override
    public Step.Outcome step(Step step) {
        NDArray x = step.batch();
        NDArray neg = sampler.sample(step.manager(), energy, (int) x.getShape().get(0), step.random());
        return step.record(() -> {
            NDArray ePos = energy.logDensity(x).neg();
            NDArray eNeg = energy.logDensity(neg).neg();
            NDArray gap = eNeg.mean().sub(ePos.mean());
            NDArray sq = ePos.square().mean().add(eNeg.square().mean());
            NDArray loss = gap.neg().add(sq.mul(x.getManager().create(l2)));
            Map<String, NDArray> m = new LinkedHashMap<>();
            m.put("gap", gap);
            return new Step.Terms(loss, m);
        });
    }
}
