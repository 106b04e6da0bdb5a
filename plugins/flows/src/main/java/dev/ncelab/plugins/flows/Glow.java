package dev.ncelab.plugins.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Glow (Kingma and Dhariwal 2018) for vectors, with the FCE reference's structure (docs/reference-implementation.md §3.3):
 * {@code levels × depth} flow steps, the levels chained one after the other, then {@code depth} extra steps
 * (10 steps with the defaults). One step, data to base: ActNorm → invertible linear map → affine coupling.
 *
 * <ul>
 *   <li>ActNorm: z = (x − b)/s per coordinate, log|det| = −Σ log|s|.
 *   <li>Invertible linear map, y = x Wᵀ. Unlike upstream (slogdet, which the PyTorch engine of DJL lacks) it is
 *       LU-parametrised: W = P·L·(U + diag(sign·exp(log|s|))) with a fixed permutation P and fixed signs, L unit
 *       lower triangular and U strictly upper triangular; the strict lower part of L, the strict upper part of U
 *       and log|s| are packed into one D×D parameter (D² values, as upstream). So log|det W| = Σ log|s| exactly.
 *       It starts at the orthogonal Q of the QR decomposition of a seeded Gaussian matrix, factored as PLU in
 *       Java (log|det W| = 0 at the start, as upstream).
 *   <li>Affine coupling: the first ⌊D/2⌋ coordinates x_a are transformed, conditioned on the rest x_b, by
 *       Linear → ActNorm → ReLU → Linear → ActNorm → ReLU → Linear (zero-initialised) times exp(ℓ), ℓ learnable
 *       and zero-initialised; the output splits into the shift t and the raw scale r (first and second half; for
 *       D = 2 that is upstream's h[0], h[1]); s = sigmoid(r + 2), z_a = s·x_a + t, log|det| = Σ log s, computed as
 *       −softplus(−(r + 2)).
 * </ul>
 *
 * <p>ActNorm initialisation is data-dependent and happens once, at creation: a seeded sample of 1000 rows (drawn
 * with replacement) of the training data is pushed through the flow in the data-to-base direction, and every ActNorm, the outer
 * ones and the two inside each coupling's conditioner, takes b = mean and s = biased std + 1e-6 of the
 * activations that reach it. (Upstream initialises lazily on the first forward call, where the conditioner's
 * ActNorms see the noise-path batch first; initialising everything from data is deterministic and documented in
 * docs/reference-implementation.md §8.) Without training data (a context that has none) every ActNorm stays the identity.
 */
final class Glow extends Flow {
    /** Rows of training data used for the ActNorm initialisation. */
    static final int INIT_ROWS = 1000;

    private final int half;
    private final List<Step> steps = new ArrayList<>();
    private final NDArray eye;
    private final NDArray lowerMask;
    private final NDArray upperMask;
    /** Fixed signs of the diagonal of every step's U, shape (S, 1, D); Pᵀ of every step, shape (S, D, D). */
    private final NDArray signs;
    private final NDArray permsT;
    /**
     * Per output of a coupling's last layer: +1 for the shift t, −1 for the raw scale r; and 0 for t, −2 for r. They
     * fold exp(ℓ), the +2 and the sign of q = −(r + 2) into that layer.
     */
    private final NDArray outputSigns;
    private final NDArray outputShift;

    /** The arrays of one flow step. */
    private static final class Step {
        NDArray anScale;
        NDArray anBias;
        NDArray lu;
        NDArray w1;
        NDArray b1;
        NDArray s1;
        NDArray c1;
        NDArray w2;
        NDArray b2;
        NDArray s2;
        NDArray c2;
        NDArray w3;
        NDArray b3;
        NDArray logScale;
    }

    Glow(int dim, int width, int depth, int levels, int pretrainSteps, NDManager manager, Random init,
            Matrix initData) {
        super(dim, new ParameterSet(manager), pretrainSteps);
        if (dim < 2) {
            throw new IllegalArgumentException("glow needs a data dimension >= 2, found " + dim);
        }
        this.half = dim / 2;
        float[] e = new float[dim * dim];
        float[] lo = new float[dim * dim];
        float[] up = new float[dim * dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                e[i * dim + j] = i == j ? 1f : 0f;
                lo[i * dim + j] = j < i ? 1f : 0f;
                up[i * dim + j] = j > i ? 1f : 0f;
            }
        }
        float[] os = new float[2 * half];
        float[] osh = new float[2 * half];
        for (int i = 0; i < 2 * half; i++) {
            os[i] = i < half ? 1f : -1f;
            osh[i] = i < half ? 0f : -2f;
        }
        outputSigns = manager.create(os);
        outputShift = manager.create(osh);
        Shape square = new Shape(dim, dim);
        eye = manager.create(e, square);
        lowerMask = manager.create(lo, square);
        upperMask = manager.create(up, square);

        List<String> names = new ArrayList<>();
        for (int l = 1; l <= levels; l++) {
            for (int s = 1; s <= depth; s++) {
                names.add("level" + l + ".step" + s);
            }
        }
        for (int s = 1; s <= depth; s++) {
            names.add("extra.step" + s);
        }
        int condIn = dim - half;
        float[] allSigns = new float[names.size() * dim];
        float[] allPermsT = new float[names.size() * dim * dim];
        for (String n : names) {
            Step st = new Step();
            st.anScale = params.add(n + ".actnorm.scale", new Shape(dim), Init.constant(dim, 1f));
            st.anBias = params.add(n + ".actnorm.bias", new Shape(dim), Init.constant(dim, 0f));
            Init.Plu plu = Init.plu(Init.randomOrthogonal(dim, init));
            float[] packed = new float[dim * dim];
            float[] sign = new float[dim];
            float[] permT = new float[dim * dim];
            for (int i = 0; i < dim; i++) {
                for (int j = 0; j < dim; j++) {
                    packed[i * dim + j] = (float) (j < i ? plu.lower()[i][j] : plu.upper()[i][j]);
                }
                double d = plu.upper()[i][i];
                sign[i] = d < 0 ? -1f : 1f;
                packed[i * dim + i] = (float) Math.log(Math.abs(d));
                permT[i * dim + plu.perm()[i]] = 1f; // P[perm[i]][i] = 1, so P^T[i][perm[i]] = 1
            }
            st.lu = params.add(n + ".linear.lu", square, packed);
            System.arraycopy(sign, 0, allSigns, steps.size() * dim, dim);
            System.arraycopy(permT, 0, allPermsT, steps.size() * dim * dim, dim * dim);
            String c = n + ".coupling.";
            st.w1 = params.add(c + "fc1.weight", new Shape(width, condIn), Init.linear(width * condIn, condIn, init));
            st.b1 = params.add(c + "fc1.bias", new Shape(width), Init.linear(width, condIn, init));
            st.s1 = params.add(c + "actnorm1.scale", new Shape(width), Init.constant(width, 1f));
            st.c1 = params.add(c + "actnorm1.bias", new Shape(width), Init.constant(width, 0f));
            st.w2 = params.add(c + "fc2.weight", new Shape(width, width), Init.linear(width * width, width, init));
            st.b2 = params.add(c + "fc2.bias", new Shape(width), Init.linear(width, width, init));
            st.s2 = params.add(c + "actnorm2.scale", new Shape(width), Init.constant(width, 1f));
            st.c2 = params.add(c + "actnorm2.bias", new Shape(width), Init.constant(width, 0f));
            st.w3 = params.add(c + "fc3.weight", new Shape(2L * half, width), Init.constant(2 * half * width, 0f));
            st.b3 = params.add(c + "fc3.bias", new Shape(2L * half), Init.constant(2 * half, 0f));
            st.logScale = params.add(c + "log_scale", new Shape(2L * half), Init.constant(2 * half, 0f));
            steps.add(st);
        }
        signs = manager.create(allSigns, new Shape(steps.size(), 1, dim));
        permsT = manager.create(allPermsT, new Shape(steps.size(), dim, dim));
        if (initData != null) {
            try (NDManager tmp = manager.newSubManager()) {
                params.attach(tmp);
                pass(tmp.create(initData.data(), new Shape(initData.rows(), dim)), true);
            }
        }
    }

    /** Sets an ActNorm to the mean and biased std (+1e-6) of the activations h, per column. */
    private static void initActNorm(NDArray scale, NDArray bias, NDArray h) {
        NDArray mean = h.mean(new int[] {0});
        NDArray std = h.sub(mean).square().mean(new int[] {0}).sqrt().add(1e-6f);
        bias.set(mean.toFloatArray());
        scale.set(std.toFloatArray());
    }

    /**
     * What a pass needs from the parameters alone ({@link Flow#derived}: kept across steps while the flow is frozen,
     * shared by a step's two passes while it learns), computed for all S steps at once (few large calls rather
     * than many tiny ones). Per step i, with the outer ActNorm (b, s) folded into the invertible map Wᵀ = (P L U)ᵀ:
     * data to base ((x − b)/s) Wᵀ = linear(x, {@code forward[i]}, {@code forwardBias[i]}), and base to data
     * (y W⁻ᵀ) s + b = linear(y, {@code inverse[i]}, b), the inverse computed when sampling first needs it. Also the
     * sum over steps of −Σ log|s| of the outer ActNorms plus log|det W|, a scalar (the log-det of the data-to-base
     * direction that does not depend on x), and each coupling's ActNorm-folded linear layers.
     */
    private final class Maps implements Derived {
        final NDArray weightsT;
        final NDArray scales;
        final NDArray[] forward;
        final NDArray[] forwardBias;
        final NDArray constantLogDet;
        final NDArray[][] folded;
        NDArray[] inverse;
        private final List<NDArray> all = new ArrayList<>();

        Maps(NDArray weightsT, NDArray scales, NDArray biases, NDArray constantLogDet, NDArray[][] folded) {
            int n = steps.size();
            this.weightsT = keep(weightsT);
            this.scales = keep(scales);
            this.constantLogDet = keep(constantLogDet);
            this.folded = folded;
            for (NDArray[] f : folded) {
                for (NDArray a : f) {
                    keep(a);
                }
            }
            NDArray w = keep(weightsT.div(scales.reshape(n, dim, 1)).transpose(0, 2, 1));
            NDArray bias = keep(biases.div(scales).reshape(n, 1, dim).batchMatMul(weightsT).reshape(n, dim).neg());
            forward = new NDArray[n];
            forwardBias = new NDArray[n];
            for (int i = 0; i < n; i++) {
                forward[i] = keep(w.get(i));
                forwardBias[i] = keep(bias.get(i));
            }
        }

        private NDArray keep(NDArray a) {
            all.add(a);
            return a;
        }

        NDArray[] inverse() {
            if (inverse == null) {
                int n = steps.size();
                NDArray w = weightsT.inverse().mul(scales.reshape(n, 1, dim)).transpose(0, 2, 1);
                inverse = new NDArray[n];
                for (int i = 0; i < n; i++) {
                    inverse[i] = w.get(i);
                }
            }
            return inverse;
        }

        @Override
        public void keepIn(NDManager manager) {
            inverse(); // now, so that it lands in the kept manager, outside any step
            all.addAll(java.util.Arrays.asList(inverse));
            all.forEach(a -> a.attach(manager));
        }
    }

    private Maps maps() {
        NDList lus = new NDList(steps.size());
        NDList scales = new NDList(steps.size());
        NDList biases = new NDList(steps.size());
        for (Step st : steps) {
            lus.add(st.lu);
            scales.add(st.anScale);
            biases.add(st.anBias);
        }
        NDArray lu = NDArrays.stack(lus);
        NDArray lower = lu.mul(lowerMask).add(eye);
        NDArray logS = lu.mul(eye).sum(new int[] {1}, true); // the packed diagonal, (S, 1, D)
        NDArray upper = lu.mul(upperMask).add(logS.exp().mul(signs).mul(eye));
        NDArray weightsT = lower.batchMatMul(upper).transpose(0, 2, 1).batchMatMul(permsT);
        NDArray s = NDArrays.stack(scales);
        NDArray constant = logS.sum().sub(s.abs().log().sum());
        NDArray[][] folded = new NDArray[steps.size()][];
        for (int i = 0; i < folded.length; i++) {
            Step st = steps.get(i);
            NDArray scale = st.logScale.exp().mul(outputSigns);
            folded[i] = new NDArray[] {st.w1.div(st.s1.reshape(-1, 1)), st.b1.sub(st.c1).div(st.s1),
                st.w2.div(st.s2.reshape(-1, 1)), st.b2.sub(st.c2).div(st.s2),
                st.w3.mul(scale.reshape(-1, 1)), st.b3.mul(scale).add(outputShift)};
        }
        return new Maps(weightsT, s, NDArrays.stack(biases), constant, folded);
    }

    /**
     * The coupling's shift t and log-scale log s for the conditioning half, each (B, ⌊D/2⌋). Each ActNorm(Linear(x))
     * = (x Wᵀ + b − c)/s is one linear layer with weights W/s and bias (b − c)/s ({@code folded}): the same
     * function, with the per-element work done on the (width × in) weights instead of the (B × width) activations.
     * The last layer's output (t, r) times exp(ℓ) is folded the same way, into weights and bias that give t and
     * q = −(r + 2) directly, so log s = −softplus(−(r + 2)) = −softplus(q). The ActNorm initialisation ({@code
     * folded} null) first sets s and c from the unnormalised activations, and computes the unfolded way.
     */
    private NDArray[] conditioner(Step st, NDArray xb, NDArray[] folded) {
        NDArray h;
        if (folded == null) {
            initActNorm(st.s1, st.c1, linear(xb, st.w1, st.b1));
            h = Activation.relu(linear(xb, st.w1.div(st.s1.reshape(-1, 1)), st.b1.sub(st.c1).div(st.s1)));
            initActNorm(st.s2, st.c2, linear(h, st.w2, st.b2));
            h = Activation.relu(linear(h, st.w2.div(st.s2.reshape(-1, 1)), st.b2.sub(st.c2).div(st.s2)));
            h = linear(h, st.w3, st.b3).mul(st.logScale.exp());
            NDList ts = h.split(new long[] {half}, 1);
            return new NDArray[] {ts.get(0), Activation.softPlus(ts.get(1).add(2f).neg()).neg()};
        }
        h = Activation.relu(linear(xb, folded[0], folded[1]));
        h = Activation.relu(linear(h, folded[2], folded[3]));
        NDList tq = linear(h, folded[4], folded[5]).split(new long[] {half}, 1);
        return new NDArray[] {tq.get(0), Activation.softPlus(tq.get(1)).neg()};
    }

    private Transformed pass(NDArray x, boolean init) {
        Maps maps = init ? maps() : derived(x, this::maps);
        NDArray perRow = null;
        for (int i = 0; i < steps.size(); i++) {
            Step st = steps.get(i);
            if (init) {
                initActNorm(st.anScale, st.anBias, x);
            }
            if (init) {
                x = x.sub(st.anBias).div(st.anScale).matMul(maps.weightsT.get(i));
            } else {
                x = linear(x, maps.forward[i], maps.forwardBias[i]);
            }
            NDList ab = x.split(new long[] {half}, 1);
            NDArray[] ts = conditioner(st, ab.get(1), init ? null : maps.folded[i]);
            NDArray za = ab.get(0).mul(ts[1].exp()).add(ts[0]);
            x = NDArrays.concat(new NDList(za, ab.get(1)), 1);
            perRow = perRow == null ? ts[1] : perRow.add(ts[1]);
        }
        return new Transformed(x, perRow.sum(new int[] {1}).add(maps.constantLogDet));
    }

    @Override
    Transformed toBase(NDArray x) {
        return pass(x, false);
    }

    @Override
    Transformed fromBase(NDArray z) {
        Maps maps = derived(z, this::maps);
        NDArray[] inverse = maps.inverse();
        NDArray x = z;
        NDArray perRow = null;
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step st = steps.get(i);
            NDList ab = x.split(new long[] {half}, 1);
            NDArray[] ts = conditioner(st, ab.get(1), maps.folded[i]);
            NDArray xa = ab.get(0).sub(ts[0]).div(ts[1].exp());
            x = NDArrays.concat(new NDList(xa, ab.get(1)), 1);
            x = linear(x, inverse[i], st.anBias);
            perRow = perRow == null ? ts[1] : perRow.add(ts[1]);
        }
        // dx/dz is the inverse of every step's map: minus the data-to-base log-dets
        return new Transformed(x, perRow.sum(new int[] {1}).add(maps.constantLogDet).neg());
    }
}
