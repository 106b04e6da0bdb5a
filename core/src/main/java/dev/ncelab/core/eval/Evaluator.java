package dev.ncelab.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.data.Box;
import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.data.TrueDensity;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.ParameterSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The truth metrics of a run, on held-out data only, in float64 on the Java side:
 *
 * <ul>
 *   <li>{@code mse_logp}: mean of (log p_EBM(x) - log p_true(x))^2 over held-out x, with the EBM's learned c
 *       (so an error in c counts), where the true density is known;
 *   <li>{@code log_z_quadrature}: the EBM's actual log normaliser, c + log of the midpoint-rule integral of
 *       exp(log p_EBM) over the data set's box, next to the learned {@code log_z} = c (2-D only);
 *   <li>{@code test_loglik}: mean held-out log-likelihood of the EBM normalised by that quadrature (2-D only);
 *   <li>{@code flow_test_loglik}: the trainable noise model's exact mean held-out log-likelihood.
 * </ul>
 */
public final class Evaluator {
    /**
     * Rows per engine pass when a function is applied to many points. Small enough that a pass's activations
     * (2,000 x 128 floats, 1 MB) stay in a core's cache: the 360,000 points of a 600 x 600 quadrature grid go
     * through the energy model about 30% faster than in chunks of 20,000 (docs/performance.md).
     */
    static final int CHUNK = 2_000;

    private final Dataset dataset;
    private final Matrix heldOut;
    private final double[] trueLogp;
    private final Grid grid;
    /** Proposal draws per importance-sampled evaluation during training (ncelab score --heldout uses more). */
    public static final int IMPORTANCE_SAMPLES = 4_000;
    private final Matrix train;
    private ImportanceLogZ.Proposal mixture;
    private final long importanceSeed;

    public Evaluator(Dataset dataset, int gridPoints) {
        this.dataset = dataset;
        this.heldOut = dataset.heldOut();
        this.trueLogp = dataset.trueDensity().map(t -> t.logDensity(heldOut)).orElse(null);
        this.grid = dataset.box().map(b -> new Grid(b, gridPoints)).orElse(null);
        // importance sampling with ImportanceLogZ.forModel (see proposal); the draws are seeded from the
        // held-out rows (themselves from the run seed), so evaluations repeat
        this.train = dataset.train();
        this.importanceSeed = java.util.Arrays.hashCode(heldOut.data());
    }

    /**
     * The importance-sampling proposal, {@link ImportanceLogZ#forModel}: a defensive mixture of the trainable flow
     * (else a kernel density on the training rows) with the rows' widened Gaussian, so that mass of the model the
     * flow misses is still sampled. Used where there is no box for quadrature, and beside the quadrature in 2-D
     * when there is a flow; otherwise none.
     */
    Optional<ImportanceLogZ.Proposal> proposal(Optional<NoiseModel> noise) {
        Optional<NoiseModel> flow = noise.filter(NoiseModel::trainable);
        if (mixture == null && (grid == null || flow.isPresent())) {
            mixture = ImportanceLogZ.forModel(train, flow.orElse(null));
        }
        return Optional.ofNullable(mixture);
    }

    /** log Z of the energy model by importance sampling with {@link #proposal}, if there is one. */
    public Optional<ImportanceLogZ.Estimate> importanceLogZ(NDManager parent, EnergyModel energy,
            Optional<NoiseModel> noise, int samples) {
        return proposal(noise).map(q -> ImportanceLogZ.estimate(parent, energy, q, samples,
                new java.util.Random(importanceSeed)));
    }

    public Optional<Grid> grid() {
        return Optional.ofNullable(grid);
    }

    public Optional<TrueDensity> trueDensity() {
        return dataset.trueDensity();
    }

    /** The metric columns this evaluator produces for its data set and noise model. */
    public List<String> columns(Optional<NoiseModel> noise) {
        List<String> c = new ArrayList<>();
        if (trueLogp != null) {
            c.add("mse_logp");
        }
        if (grid != null) {
            c.add("log_z_quadrature");
            c.add("test_loglik");
        }
        if (proposal(noise).isPresent()) {
            c.addAll(List.of("log_z_is", "log_z_is_se", "is_ess"));
        }
        if (grid == null) {
            c.add("test_loglik");
        }
        if (noise.filter(NoiseModel::trainable).isPresent()) {
            c.add("flow_test_loglik");
        }
        return c;
    }

    /** The metrics, with {@code log_z} (the learned c) first. */
    public Map<String, Double> evaluate(NDManager parent, EnergyModel energy, Optional<NoiseModel> noise) {
        return evaluate(parent, energy, noise, false);
    }

    /**
     * The metrics, with {@code log_z} (the learned c) first.
     *
     * @param normalise compute {@code mse_logp} for the model normalised by its quadrature (for objectives that do
     *     not learn c: ranking NCE, CD, DSM), not with its own c
     */
    public Map<String, Double> evaluate(NDManager parent, EnergyModel energy, Optional<NoiseModel> noise,
            boolean normalise) {
        return evaluate(parent, energy, noise, normalise, false);
    }

    /**
     * The metrics, with {@code log_z} (the learned c) first.
     *
     * @param normalise as above
     * @param densityOnly only {@code log_z}, {@code mse_logp}, {@code log_z_quadrature} and {@code test_loglik}:
     *     no importance-sampled log Z (unless the test log-likelihood needs it, without a grid) and no flow
     *     log-likelihood
     */
    public Map<String, Double> evaluate(NDManager parent, EnergyModel energy, Optional<NoiseModel> noise,
            boolean normalise, boolean densityOnly) {
        Map<String, Double> m = new LinkedHashMap<>();
        double c = energy.logZ();
        m.put("log_z", c);
        double[] logp = apply(parent, heldOut, energy::logDensity, energy.parameters());
        double logIntegral = 0;
        if (grid != null) {
            double[] g = apply(parent, grid.points(), energy::logDensity, energy.parameters());
            logIntegral = grid.logIntegral(g);
        }
        if (trueLogp != null) {
            double shift = normalise ? logIntegral : 0;
            double s = 0;
            for (int i = 0; i < logp.length; i++) {
                double d = logp[i] - shift - trueLogp[i];
                s += d * d;
            }
            m.put("mse_logp", s / logp.length);
        }
        if (grid != null) {
            m.put("log_z_quadrature", c + logIntegral);
            m.put("test_loglik", mean(logp) - logIntegral);
        }
        Optional<ImportanceLogZ.Estimate> is = densityOnly && grid != null ? Optional.empty()
                : importanceLogZ(parent, energy, noise, IMPORTANCE_SAMPLES);
        is.ifPresent(e -> {
            if (!densityOnly) {
                m.put("log_z_is", c + e.logZ());
                m.put("log_z_is_se", e.standardError());
                m.put("is_ess", e.ess());
            }
            if (grid == null) {
                m.put("test_loglik", mean(logp) - e.logZ());
            }
        });
        if (!densityOnly) {
            noise.filter(NoiseModel::trainable).ifPresent(q ->
                    m.put("flow_test_loglik", mean(apply(parent, heldOut, q::logProb, q.parameters()))));
        }
        return m;
    }

    /**
     * Applies a batch function (B, D) to (B) over all rows of a matrix, in chunks, without gradients. The
     * parameters a model computes from are lent to each chunk's manager, so nothing it computes outlives it.
     */
    public static double[] apply(NDManager parent, Matrix points, Function<NDArray, NDArray> f,
            ParameterSet... borrowed) {
        double[] out = new double[points.rows()];
        for (int from = 0; from < points.rows(); from += CHUNK) {
            int n = Math.min(CHUNK, points.rows() - from);
            float[] chunk = new float[n * points.cols()];
            System.arraycopy(points.data(), from * points.cols(), chunk, 0, chunk.length);
            try (NDManager m = parent.newSubManager()) {
                for (ParameterSet p : borrowed) {
                    p.attach(m);
                }
                NDArray x = m.create(chunk, new Shape(n, points.cols()));
                float[] v = f.apply(x).toFloatArray();
                for (int i = 0; i < n; i++) {
                    out[from + i] = v[i];
                }
            }
        }
        return out;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    /** A midpoint grid on a 2-D box: points in x-major order (index {@code ix * n + iy}). */
    public record Grid(Box box, int n) {
        public Matrix points() {
            float[] d = new float[n * n * 2];
            double hx = (box.xMax() - box.xMin()) / n;
            double hy = (box.yMax() - box.yMin()) / n;
            for (int ix = 0; ix < n; ix++) {
                for (int iy = 0; iy < n; iy++) {
                    int k = (ix * n + iy) * 2;
                    d[k] = (float) (box.xMin() + (ix + 0.5) * hx);
                    d[k + 1] = (float) (box.yMin() + (iy + 0.5) * hy);
                }
            }
            return new Matrix(d, n * n, 2);
        }

        public double cellArea() {
            return box.area() / ((double) n * n);
        }

        /**
         * log of the integral of exp(values) over the box, by the midpoint rule, stably. A NaN (a flow's float32
         * overflow far from the data) counts as zero density.
         */
        public double logIntegral(double[] logValues) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logValues) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
            double s = 0;
            for (double v : logValues) {
                if (!Double.isNaN(v)) {
                    s += Math.exp(v - max);
                }
            }
            return max + Math.log(s * cellArea());
        }
    }
}
