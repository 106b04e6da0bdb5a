package dev.ncelab.plugins.training;

import ai.djl.ndarray.NDArray;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.objective.Step;
import java.util.List;
import java.util.Map;

/**
 * Maximum likelihood of the noise model (a flow) alone, the baseline FCE is compared with: the flow minimises
 * its negative log-likelihood on the data batch, reported as {@code nll} (nats per point). The energy model does
 * not learn.
 */
final class MleObjective implements Objective {
    private final NoiseModel flow;

    MleObjective(NoiseModel flow) {
        this.flow = flow;
    }

    @Override
    public List<Player> players() {
        return List.of(new Player(Player.NOISE, flow.parameters()));
    }

    @Override
    public List<String> metrics() {
        return List.of("nll");
    }

    @Override
    public Step.Outcome step(Step step) {
        return step.record(() -> {
            NDArray nll = flow.logProb(step.batch()).mean().neg();
            return new Step.Terms(nll, Map.of("nll", nll));
        });
    }
}
