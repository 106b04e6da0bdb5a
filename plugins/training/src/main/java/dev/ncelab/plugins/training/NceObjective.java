package dev.ncelab.plugins.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ncelab.core.math.Scalars;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.objective.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NCE with noise ratio nu (Gutmann and Hyvarinen 2010): with d = log p - log q,
 * V = mean_data log sigma(d - log nu) + (1/B) sum_noise log sigma(log nu - d). With nu = 1 this is exactly the
 * reference value function. The energy model maximises V; a trainable noise model (FCE's flow) minimises it,
 * pathwise through its own samples. Reported: {@code nce_loss} = -V (log 4 = 1.386 at chance for nu = 1) and the
 * classifier's {@code accuracy}.
 *
 * <p>One step makes one pass of the energy model over the data and noise points stacked, and computes -V in one
 * sweep: -V = (1/B) sum_i softplus(-s_i (d_i - log nu)), with s = +1 for data and -1 for noise (log sigma(z) =
 * -softplus(-z)). Fewer, larger operations: per step, the engine's fixed cost per call is what a small model
 * spends most (docs/performance.md).
 *
 * <p>Accuracy: a point is classified as data when d - log nu >= 0 (ties count as data, as in the FCE
 * reference); data and noise each weigh one half, so chance stays at 0.5 for any nu (for nu = 1 this is the
 * reference's (correct data + correct noise) / 2B). As one product: accuracy = 1/2 + sum_i u_i [d_i >= log nu],
 * with u = 1/(2B) for data and -1/(2 nu B) for noise.
 */
class NceObjective implements Objective {
    static final String LOSS = "nce_loss";
    private final EnergyModel energy;
    private final NoiseModel noise;
    private final int nu;
    private final float logNu;
    private final NDManager constants;
    /** Per batch size B: the sign -s and the accuracy weights u, each of length B (1 + nu). */
    private final Map<Long, NDArray[]> weights = new HashMap<>();

    NceObjective(EnergyModel energy, NoiseModel noise, int nu, NDManager constants) {
        this.energy = energy;
        this.noise = noise;
        this.nu = nu;
        this.logNu = (float) Math.log(nu);
        this.constants = constants;
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
            long b = x.getShape().get(0);
            NoiseSample ns = noise.sample(step.manager(), (int) b * nu, step.random());
            NDArray logp = energy.logDensity(x.concat(ns.x()));
            NDArray logq = noise.logProb(x).concat(ns.logQ());
            NDArray[] va = evaluate(logp, logq, b);
            NDArray negV = va[0];
            NDArray loss = step.learner().equals(Player.ENERGY) ? negV : negV.neg();
            Map<String, NDArray> m = new LinkedHashMap<>();
            m.put(lossName(), negV);
            m.put("accuracy", va[1]);
            return new Step.Terms(loss, m);
        });
    }

    /**
     * -V and the accuracy, as scalars, from log p and log q of the B data points followed by their B nu noise
     * points.
     */
    NDArray[] evaluate(NDArray logp, NDArray logq, long b) {
        NDArray[] w = weights.computeIfAbsent(b, this::weights);
        NDArray d = logp.sub(logq);
        NDArray z = d.mul(w[0]);
        if (nu != 1) {
            z = z.add(w[2]);
        }
        NDArray negV = Scalars.div(z.getNDArrayInternal().softPlus().sum(), b);
        NDArray asData = (nu == 1 ? d.gte(0f) : d.gte(logNu)).toType(DataType.FLOAT32, false);
        NDArray accuracy = asData.matMul(w[1]).add(0.5f);
        return new NDArray[] {negV, accuracy};
    }

    /** -s, u and s log nu for B data and B nu noise points. */
    private NDArray[] weights(long b) {
        int n = (int) (b * (1 + nu));
        float[] flip = new float[n];
        float[] u = new float[n];
        float[] shift = new float[n];
        for (int i = 0; i < n; i++) {
            boolean data = i < b;
            flip[i] = data ? -1f : 1f;
            u[i] = data ? (float) (0.5 / b) : (float) (-0.5 / (nu * b));
            shift[i] = data ? logNu : -logNu;
        }
        return new NDArray[] {constants.create(flip), constants.create(u), constants.create(shift)};
    }
}
