package dev.ncelab.plugins.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.InputGradient;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.objective.Step;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Denoising score matching (Vincent 2011): the EBM's score s(x) = d log p / dx at a noisy point
 * x~ = x + sigma eps (eps ~ N(0, I)) should match the score of the Gaussian corruption, -(x~ - x) / sigma^2 =
 * -eps / sigma. With several noise levels each point draws its sigma uniformly from the list, and the squared
 * error is weighted by sigma^2 (Song and Ermon 2019), so every level weighs alike:
 * loss = mean_i 1/2 |r_i|^2 with r_i = sigma_i s(x~_i) + eps_i (for one level, sigma^2 times Vincent's loss).
 *
 * <p>How the gradient is taken. The loss depends on the parameters through the input gradient, and its
 * gradient is d loss / d theta = mean_i sigma_i d/d theta [r_i . s(x~_i)] with r_i held fixed: the parameter
 * gradient of a directional derivative of log p. Double backpropagation (a backward pass with create_graph)
 * gives it exactly, but through DJL it leaves the graph on each parameter's .grad (PyTorch's warning: a
 * parameter/gradient reference cycle that only resetting .grad to None breaks, which DJL cannot do): measured,
 * resident memory grew by 1.3 MB per step. So the score (and the loss) come exactly from {@link InputGradient}
 * outside the recording, and the directional derivative inside it is a central difference along r_i over a
 * distance {@link #STEP} in x: (log p(x~ + t r) - log p(x~ - t r)) / 2t with t = STEP / |r|, an O(STEP^2) error
 * that only first-order autograd differentiates (checked against finite differences of the exact loss in
 * DsmObjectiveTest). c = log Z does not enter the score and is not learned.
 */
final class DsmObjective implements Objective {
    static final String LOSS = "dsm_loss";
    /** The central difference's distance in data space: data sets here are scaled to a few units. */
    static final double STEP = 1e-2;
    private final EnergyModel energy;
    private final double[] sigmas;

    DsmObjective(EnergyModel energy, double[] sigmas) {
        this.energy = energy;
        this.sigmas = sigmas.clone();
    }

    @Override
    public List<Player> players() {
        return List.of(new Player(Player.ENERGY, energy.parameters()));
    }

    @Override
    public List<String> metrics() {
        return List.of(LOSS, "score_norm");
    }

    @Override
    public boolean identifiesLogZ() {
        return false;
    }

    @Override
    public Step.Outcome step(Step step) {
        NDArray x = step.batch();
        Noise noise = draw(x.toFloatArray(), (int) x.getShape().get(0), (int) x.getShape().get(1), step.random());
        Probe probe = probe(step.manager(), noise);
        return step.record(() -> terms(step.manager(), noise, probe));
    }

    /** The noisy points, the noise and each point's sigma, drawn in Java from the objective's stream. */
    record Noise(float[] noisy, float[] eps, float[] sigma, int n, int d) {}

    /** The exact loss and score norm, and the two points of each central difference with its factor. */
    record Probe(double loss, double scoreNorm, float[] plus, float[] minus, float[] weight) {}

    Noise draw(float[] x, int n, int d, Random random) {
        float[] eps = new float[n * d];
        float[] sigma = new float[n];
        float[] noisy = new float[n * d];
        for (int i = 0; i < n; i++) {
            sigma[i] = (float) (sigmas.length == 1 ? sigmas[0] : sigmas[random.nextInt(sigmas.length)]);
            for (int j = 0; j < d; j++) {
                int k = i * d + j;
                eps[k] = (float) random.nextGaussian();
                noisy[k] = x[k] + sigma[i] * eps[k];
            }
        }
        return new Noise(noisy, eps, sigma, n, d);
    }

    /** The score at the noisy points (no recording), the residuals r and the difference points x~ +- t r. */
    Probe probe(NDManager parent, Noise z) {
        int n = z.n();
        int d = z.d();
        float[] s;
        try (NDManager m = parent.newSubManager()) {
            energy.parameters().attach(m);
            s = InputGradient.of(energy, m.create(z.noisy(), new Shape(n, d))).toFloatArray();
        }
        float[] plus = new float[n * d];
        float[] minus = new float[n * d];
        float[] weight = new float[n];
        double loss = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            double rr = 0;
            double ss = 0;
            double[] r = new double[d];
            for (int j = 0; j < d; j++) {
                int k = i * d + j;
                double sk = Double.isFinite(s[k]) ? s[k] : Double.NaN;
                r[j] = z.sigma()[i] * sk + z.eps()[k];
                rr += r[j] * r[j];
                ss += sk * sk;
            }
            loss += 0.5 * rr;
            norm += Math.sqrt(ss);
            double len = Math.sqrt(rr);
            double t = len > 0 && Double.isFinite(len) ? STEP / len : 0;
            for (int j = 0; j < d; j++) {
                int k = i * d + j;
                plus[k] = (float) (z.noisy()[k] + t * r[j]);
                minus[k] = (float) (z.noisy()[k] - t * r[j]);
            }
            // d/dtheta of sigma r.s ~ sigma (log p(+) - log p(-)) / 2t, averaged over the batch
            weight[i] = t > 0 ? (float) (z.sigma()[i] / (2 * t) / n) : 0f;
        }
        return new Probe(loss / n, norm / n, plus, minus, weight);
    }

    /** The loss (the exact value, with the central difference's parameter gradient) and the metrics. */
    Step.Terms terms(NDManager m, Noise z, Probe p) {
        Shape shape = new Shape(z.n(), z.d());
        NDArray diff = energy.logDensity(m.create(p.plus(), shape)).sub(energy.logDensity(m.create(p.minus(), shape)));
        NDArray surrogate = diff.mul(m.create(p.weight())).sum();
        NDArray exact = m.create((float) p.loss());
        NDArray loss = surrogate.sub(surrogate.stopGradient()).add(exact);
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put(LOSS, exact);
        metrics.put("score_norm", m.create((float) p.scoreNorm()));
        return new Step.Terms(loss, metrics);
    }
}
