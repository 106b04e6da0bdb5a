package dev.ncelab.plugins.flows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.testing.TestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/** Shared test data and helpers: 8gaussians-like data, flows with default configs, gradient probing. */
final class FlowFixtures {
    private FlowFixtures() {}

    static final MafConfig MAF = new MafConfig(5, 100, 1, 0, 5.0, 0, 2.0);
    static final GlowConfig GLOW = new GlowConfig(64, 5, 1, 0, 0, 2.0);

    /** The reference's 8gaussians: centres at radius 2√2, per-coordinate std 0.5/√2. */
    static Matrix eightGaussians(int n, Random random) {
        double s = 1 / Math.sqrt(2);
        double[][] dirs = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {s, s}, {-s, s}, {s, -s}, {-s, -s}};
        float[] d = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double[] c = dirs[random.nextInt(8)];
            d[2 * i] = (float) (s * (0.5 * random.nextGaussian() + 4 * c[0]));
            d[2 * i + 1] = (float) (s * (0.5 * random.nextGaussian() + 4 * c[1]));
        }
        return new Matrix(d, n, 2);
    }

    /** Correlated, shifted Gaussian data in D dimensions (for the D=12 tests). */
    static Matrix gaussianData(int n, int dim, Random random) {
        float[] d = new float[n * dim];
        for (int i = 0; i < n; i++) {
            double shared = random.nextGaussian();
            for (int j = 0; j < dim; j++) {
                d[i * dim + j] = (float) (j * 0.3 + (1 + 0.1 * j) * random.nextGaussian() + 0.5 * shared);
            }
        }
        return new Matrix(d, n, dim);
    }

    static NoiseModel create(String name, long seed, Matrix data, NDManager root) {
        TestContext ctx = new TestContext(seed, data, root);
        return switch (name) {
            case "maf" -> new MafPlugin().create(MAF, ctx);
            case "glow" -> new GlowPlugin().create(GLOW, ctx);
            default -> throw new IllegalArgumentException(name);
        };
    }

    static NDArray array(NDManager m, Matrix x) {
        return m.create(x.data(), new ai.djl.ndarray.types.Shape(x.rows(), x.cols()));
    }

    /** Largest |gradient| of every parameter after one backward pass of the loss, in a scoped step. */
    static Map<String, Double> gradients(NoiseModel model, NDManager root, Function<NDManager, NDArray> loss) {
        Map<String, Double> out = new LinkedHashMap<>();
        try (NDManager step = root.newSubManager()) {
            model.parameters().attach(step);
            model.parameters().setLearning(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(loss.apply(step));
            }
            model.parameters().arrays().forEach((k, v) -> out.put(k,
                    (double) v.getGradient().abs().max().getFloat()));
            model.parameters().setLearning(false);
        }
        return out;
    }

    /**
     * The largest |log|det ∂z/∂x| − toBase's log-det| over the rows, with the Jacobian from autograd (one backward
     * pass per output coordinate; rows are independent) and its determinant by LU in double precision. Relative
     * to max(1, |log det|).
     */
    static double worstLogDetError(Flow flow, NDManager root, Matrix points) {
        int n = points.rows();
        int d = points.cols();
        double[][][] jac = new double[n][d][d];
        float[] logDet = null;
        for (int j = 0; j < d; j++) {
            try (NDManager step = root.newSubManager()) {
                flow.parameters().attach(step);
                NDArray x = array(step, points);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    Transformed t = flow.toBase(x);
                    logDet = t.logDet().toFloatArray();
                    gc.backward(t.y().get(":, " + j).sum());
                }
                float[] g = x.getGradient().toFloatArray();
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < d; k++) {
                        jac[i][j][k] = g[i * d + k];
                    }
                }
            }
        }
        double worst = 0;
        for (int i = 0; i < n; i++) {
            Init.Plu plu = Init.plu(jac[i]);
            double ld = 0;
            for (int k = 0; k < d; k++) {
                ld += Math.log(Math.abs(plu.upper()[k][k]));
            }
            worst = Math.max(worst, Math.abs(ld - logDet[i]) / Math.max(1, Math.abs(ld)));
        }
        return worst;
    }

    /**
     * Adds Gaussian noise of the given scale to every parameter (ActNorm scales: multiplies by exp of it), so that
     * zero-initialised layers pass gradients and the flow is away from its symmetric start.
     */
    static void perturb(NoiseModel model, double scale, Random random) {
        Map<String, float[]> values = model.parameters().snapshot();
        values.forEach((name, v) -> {
            boolean actNormScale = name.endsWith(".scale"); // keep ActNorm scales away from 0: relative noise
            for (int i = 0; i < v.length; i++) {
                double e = scale * random.nextGaussian();
                v[i] = actNormScale ? (float) (v[i] * Math.exp(e)) : v[i] + (float) e;
            }
        });
        model.parameters().restore(values);
    }

    /** Mean log q over the rows, computed in a scoped step. */
    static double meanLogProb(NoiseModel model, NDManager root, Matrix x) {
        try (NDManager step = root.newSubManager()) {
            model.parameters().attach(step);
            return model.logProb(array(step, x)).mean().getFloat();
        }
    }

    /**
     * The midpoint rule for ∫ q over [-8,8]² on a 400 x 400 grid, over the grid points where log q is finite;
     * also how many points were not finite (NaN or +inf; −inf is density 0) and the smallest radius among them.
     */
    record Quadrature(double mass, int nonFinite, double nearestNonFinite) {}

    static Quadrature integrate(NoiseModel model, NDManager root) {
        int n = 400;
        double lo = -8;
        double h = 16.0 / n;
        double total = 0;
        int bad = 0;
        double nearest = Double.POSITIVE_INFINITY;
        int rowsPerChunk = 40;
        for (int r0 = 0; r0 < n; r0 += rowsPerChunk) {
            float[] pts = new float[rowsPerChunk * n * 2];
            int k = 0;
            for (int i = r0; i < r0 + rowsPerChunk; i++) {
                for (int j = 0; j < n; j++) {
                    pts[k++] = (float) (lo + (i + 0.5) * h);
                    pts[k++] = (float) (lo + (j + 0.5) * h);
                }
            }
            try (NDManager step = root.newSubManager()) {
                model.parameters().attach(step);
                float[] lq = model.logProb(step.create(pts, new ai.djl.ndarray.types.Shape(rowsPerChunk * n, 2)))
                        .toFloatArray();
                for (int q = 0; q < lq.length; q++) {
                    if (Float.isNaN(lq[q]) || lq[q] == Float.POSITIVE_INFINITY) {
                        bad++;
                        nearest = Math.min(nearest, Math.hypot(pts[2 * q], pts[2 * q + 1]));
                    } else {
                        total += Math.exp(lq[q]);
                    }
                }
            }
        }
        return new Quadrature(total * h * h, bad, nearest);
    }
}
