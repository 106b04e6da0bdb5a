package dev.ncelab.plugins.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.ncelab.core.math.Scalars;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.objective.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NCE with noise ratio nu (Gutmann and Hyvarinen 2010): with d = log p - log q,
 * V = mean_data log sigma(d - log nu) + (1/B) sum_noise log sigma(log nu - d). With nu = 1 this is exactly the
 * reference value function. log sigma(z) is computed as -softplus(-z). The energy model maximises V; a
 * trainable noise model (FCE's flow) minimises it, pathwise through its own samples. Reported: {@code nce_loss}
 * = -V (log 4 = 1.386 at chance for nu = 1) and the classifier's {@code accuracy}.
 *
 * <p>Accuracy: a point is classified as data when d - log nu >= 0 (ties count as data, as in the FCE
 * reference); data and noise each weigh one half, so chance stays at 0.5 for any nu (for nu = 1 this is the
 * reference's (correct data + correct noise) / 2B).
 */
class NceObjective implements Objective {
    static final String LOSS = "nce_loss";
    private final EnergyModel energy;
    private final NoiseModel noise;
    private final int nu;
    private final float logNu;

    NceObjective(EnergyModel energy, NoiseModel noise, int nu) {
        this.energy = energy;
        this.noise = noise;
        this.nu = nu;
        this.logNu = (float) Math.log(nu);
    }

    @Override
    public List<Player> players() {
        List<Player> p = new ArrayList<>(List.of(new Player(Player.ENERGY, energy.parameters())));
        if (noise.trainable()) {
            p.add(new Player(Player.NOISE, noise.parameters()));
        }
        return p;
    }

    @Override
    public List<String> metrics() {
        return List.of(lossName(), "accuracy");
    }

    String lossName() {
        return LOSS;
    }

    @Override
    public Step.Outcome step(Step step) {
        return step.record(() -> {
            NDArray x = step.batch();
            NoiseSample ns = noise.sample(step.manager(), (int) x.getShape().get(0) * nu, step.random());
            NDArray logpX = energy.logDensity(x);
            NDArray logpN = energy.logDensity(ns.x());
            NDArray logqX = noise.logProb(x);
            NDArray[] va = evaluate(logpX, logqX, logpN, ns.logQ());
            NDArray loss = step.learner().equals(Player.ENERGY) ? va[0].neg() : va[0];
            Map<String, NDArray> m = new LinkedHashMap<>();
            m.put(lossName(), va[0].neg());
            m.put("accuracy", va[1]);
            return new Step.Terms(loss, m);
        });
    }

    /** The value V and the accuracy, as scalars, from the four log densities. */
    NDArray[] evaluate(NDArray logpData, NDArray logqData, NDArray logpNoise, NDArray logqNoise) {
        NDArray dData = logpData.sub(logqData).sub(logNu);
        NDArray dNoise = logpNoise.sub(logqNoise).sub(logNu);
        long b = logpData.getShape().get(0);
        NDArray dataTerm = logSigmoid(dData).mean();
        NDArray noiseTerm = Scalars.div(logSigmoid(dNoise.neg()).sum(), b);
        NDArray value = dataTerm.add(noiseTerm);
        NDArray accData = dData.gte(0).toType(DataType.FLOAT32, false).mean();
        NDArray accNoise = dNoise.lt(0).toType(DataType.FLOAT32, false).mean();
        NDArray accuracy = Scalars.mul(accData.add(accNoise), 0.5f);
        return new NDArray[] {value, accuracy};
    }

    static NDArray logSigmoid(NDArray z) {
        return z.neg().getNDArrayInternal().softPlus().neg();
    }
}
