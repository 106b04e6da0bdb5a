package dev.ncelab.plugins.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.ncelab.core.math.Scalars;
import dev.ncelab.core.model.ParameterSet;
import java.util.Random;

/**
 * Masked autoregressive flow (Papamakarios et al. 2017) exactly as the FCE reference builds it (docs/reference-implementation.md
 * §3.2): a stack of MADE blocks with nothing in between (no batch norm, no permutation layer).
 *
 * <p>Each MADE is MaskedLinear(D→H) → ReLU → [MaskedLinear(H→H) → ReLU] × nHidden → MaskedLinear(H→2D), whose
 * output is (μ, α). Degrees: inputs 0..D−1 in block 1, reversed in every following block; hidden unit j has
 * degree j mod (D−1); outputs have degree (input degree − 1); a connection is allowed iff the receiving degree is
 * ≥ the sending one. Masked weights are stored and counted in full (54,020 parameters for D=2 with the defaults);
 * the masks are built once in Java. Density direction, per block: u = (x − μ(x))·exp(−α(x)), log|det| = −Σα.
 *
 * <p>Sampling runs the blocks in reverse and fills the coordinates in autoregressive order, D network passes per
 * block: pass p keeps exactly the coordinates of degree ≤ p (the rest stay 0, so no stale value ever enters),
 * and the last pass yields every coordinate and the α used for log q = log N(u) − Σα with the original base draw
 * u. The first pass sees x = 0 in every row, so it runs on a single row and is broadcast. The passes are ordinary
 * differentiable operations, so samples are reparameterised in the parameters.
 *
 * <p>Upstream, α is not bounded: early in FCE a sample can overflow float32 (docs/reference-implementation.md §10). By default
 * each block's α is softly bounded, α = b·tanh(α/b) with b = {@code max_log_scale} = 5 (nearly the identity for
 * |α| below 2); {@code max_log_scale: null} restores the reference. Unbounded, far from the data exp(−α) can
 * overflow float32, so log q there can be NaN
 * (where the density is far below e^−30), and an early sample can overflow (docs/reference-implementation.md §10; the training loop
 * skips such steps).
 */
final class Maf extends Flow {
    private final int blocks;
    private final int layers;
    /** [order][layer] masks, shape (out, in), null if all ones; order 0 = degrees 0..D−1, order 1 = reversed. */
    private final NDArray[][] masks;
    /** [order][pass] keeps the coordinates of degree ≤ pass, shape (D); pass D−1 needs none. */
    private final NDArray[][] keep;
    private final NDArray[][] weights;
    private final NDArray[][] biases;

    /** The soft bound on α (0: unbounded). */
    private final float maxLogScale;

    Maf(int dim, int blocks, int hidden, int nHidden, int pretrainSteps, Double maxLogScale, NDManager manager,
            Random init) {
        super(dim, new ParameterSet(manager), pretrainSteps);
        this.maxLogScale = maxLogScale == null ? 0f : maxLogScale.floatValue();
        if (dim < 2) {
            throw new IllegalArgumentException("maf needs a data dimension >= 2, found " + dim);
        }
        this.blocks = blocks;
        this.layers = nHidden + 2;
        int[] sizes = new int[layers + 1];
        sizes[0] = dim;
        for (int l = 1; l < layers; l++) {
            sizes[l] = hidden;
        }
        sizes[layers] = 2 * dim;

        masks = new NDArray[2][layers];
        keep = new NDArray[2][dim];
        for (int order = 0; order < 2; order++) {
            int[][] degrees = new int[layers + 1][];
            int[] in = new int[dim];
            for (int i = 0; i < dim; i++) {
                in[i] = order == 0 ? i : dim - 1 - i;
            }
            degrees[0] = in;
            for (int l = 1; l < layers; l++) {
                degrees[l] = new int[hidden];
                for (int j = 0; j < hidden; j++) {
                    degrees[l][j] = j % (dim - 1);
                }
            }
            degrees[layers] = new int[2 * dim];
            for (int o = 0; o < 2 * dim; o++) {
                degrees[layers][o] = in[o % dim] - 1;
            }
            for (int l = 0; l < layers; l++) {
                int[] from = degrees[l];
                int[] to = degrees[l + 1];
                float[] m = new float[to.length * from.length];
                boolean allOnes = true;
                for (int o = 0; o < to.length; o++) {
                    for (int i = 0; i < from.length; i++) {
                        m[o * from.length + i] = to[o] >= from[i] ? 1f : 0f;
                        allOnes &= to[o] >= from[i];
                    }
                }
                // an all-ones mask (hidden-to-hidden when D = 2) is skipped
                masks[order][l] = allOnes ? null : manager.create(m, new Shape(to.length, from.length));
            }
            for (int p = 0; p < dim - 1; p++) {
                float[] k = new float[dim];
                for (int i = 0; i < dim; i++) {
                    k[i] = in[i] <= p ? 1f : 0f;
                }
                keep[order][p] = manager.create(k, new Shape(dim));
            }
        }

        weights = new NDArray[blocks][layers];
        biases = new NDArray[blocks][layers];
        for (int b = 0; b < blocks; b++) {
            for (int l = 0; l < layers; l++) {
                int fanIn = sizes[l];
                int out = sizes[l + 1];
                String name = "block" + (b + 1) + ".layer" + (l + 1);
                weights[b][l] = params.add(name + ".weight", new Shape(out, fanIn), Init.linear(out * fanIn, fanIn, init));
                biases[b][l] = params.add(name + ".bias", new Shape(out), Init.linear(out, fanIn, init));
            }
        }
    }

    /** Every block's masked weights, [block][layer] ({@link Flow#derived}); an all-ones mask needs none. */
    private record Masked(NDArray[][] w) implements Derived {
        @Override
        public void keepIn(NDManager manager) {
            for (NDArray[] block : w) {
                for (NDArray a : block) {
                    if (a != null) {
                        a.attach(manager);
                    }
                }
            }
        }
    }

    private Masked maskedWeights() {
        NDArray[][] w = new NDArray[blocks][layers];
        for (int b = 0; b < blocks; b++) {
            for (int l = 0; l < layers; l++) {
                NDArray mask = masks[b % 2][l];
                w[b][l] = mask == null ? null : weights[b][l].mul(mask);
            }
        }
        return new Masked(w);
    }

    private NDArray[] weights(Masked masked, int block) {
        NDArray[] w = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
            w[l] = masked.w()[block][l] == null ? weights[block][l] : masked.w()[block][l];
        }
        return w;
    }

    /** One MADE pass: (μ, α), each (B, D); α softly bounded when {@code max_log_scale} is set. */
    private NDList made(NDArray x, int block, NDArray[] w) {
        NDArray h = x;
        for (int l = 0; l < layers; l++) {
            h = linear(h, w[l], biases[block][l]);
            if (l < layers - 1) {
                h = Activation.relu(h);
            }
        }
        NDList ma = h.split(new long[] {dim}, 1);
        if (maxLogScale > 0) {
            ma = new NDList(ma.get(0), Scalars.mul(Scalars.div(ma.get(1), maxLogScale).tanh(), maxLogScale));
        }
        return ma;
    }

    @Override
    Transformed toBase(NDArray x) {
        Masked masked = derived(x, this::maskedWeights);
        NDArray h = x;
        NDArray alphas = null;
        for (int b = 0; b < blocks; b++) {
            NDList ma = made(h, b, weights(masked, b));
            NDArray alpha = ma.get(1);
            h = h.sub(ma.get(0)).mul(alpha.neg().exp());
            alphas = alphas == null ? alpha : alphas.add(alpha);
        }
        return new Transformed(h, alphas.sum(new int[] {1}).neg());
    }

    @Override
    Transformed fromBase(NDArray z) {
        Masked masked = derived(z, this::maskedWeights);
        NDArray u = z;
        NDArray alphas = null;
        for (int b = blocks - 1; b >= 0; b--) {
            NDArray[] w = weights(masked, b);
            // pass 0 sees x = 0 in every row: run the network on one zero row and broadcast its (μ, α)
            NDArray x = u.getManager().zeros(new Shape(1, dim));
            NDArray alpha = null;
            for (int p = 0; p < dim; p++) {
                NDList ma = made(x, b, w);
                alpha = ma.get(1);
                NDArray filled = u.mul(alpha.exp()).add(ma.get(0));
                x = p < dim - 1 ? filled.mul(keep[b % 2][p]) : filled;
            }
            u = x;
            alphas = alphas == null ? alpha : alphas.add(alpha);
        }
        return new Transformed(u, alphas.sum(new int[] {1}));
    }
}
