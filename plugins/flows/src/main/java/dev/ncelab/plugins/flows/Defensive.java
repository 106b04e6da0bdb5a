package dev.ncelab.plugins.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.math.Scalars;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.model.ParameterSet;
import java.util.Random;

/**
 * A flow mixed with a fixed, broad Gaussian: q(x) = (1 - w) q_flow(x) + w N(x; 0, s^2 I) (a defensive mixture,
 * as in defensive importance sampling). A flow trained against the EBM can end with tails far lighter than the
 * data's or miss a region; where no noise point ever lands, the EBM's spurious mass is never penalised. The
 * Gaussian share keeps NCE's coverage while the flow supplies the hard negatives ({@code noise.defensive}).
 *
 * <p>A batch of n noise points has exactly round(w n) Gaussian points and the rest from the flow (stratified: the
 * batch mean of any function still has the mixture's expectation, with less variance than drawing each point's
 * component). Each point's log q is the mixture's, so the Gaussian points need one flow density pass; the flow's
 * points keep their reparameterised gradients.
 */
final class Defensive implements NoiseModel {
    private final NoiseModel flow;
    private final double weight;
    private final double std;
    private final float logFlowShare;
    private final float logGaussianShare;

    Defensive(NoiseModel flow, double weight, double std) {
        this.flow = flow;
        this.weight = weight;
        this.std = std;
        this.logFlowShare = (float) Math.log1p(-weight);
        this.logGaussianShare = (float) Math.log(weight);
    }

    /** {@code flow} itself when {@code weight} is 0, else the mixture. */
    static NoiseModel wrap(NoiseModel flow, double weight, double std) {
        return weight == 0 ? flow : new Defensive(flow, weight, std);
    }

    @Override
    public int dimension() {
        return flow.dimension();
    }

    @Override
    public ParameterSet parameters() {
        return flow.parameters();
    }

    @Override
    public int pretrainSteps() {
        return flow.pretrainSteps();
    }

    @Override
    public NDArray logProb(NDArray x) {
        return mix(flow.logProb(x), gaussianLogProb(x));
    }

    @Override
    public NoiseSample sample(NDManager manager, int n, Random random) {
        int k = (int) Math.round(weight * n);
        if (k == 0) {
            NoiseSample s = flow.sample(manager, n, random);
            return new NoiseSample(s.x(), mix(s.logQ(), gaussianLogProb(s.x())));
        }
        int d = dimension();
        float[] v = new float[k * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * random.nextGaussian());
        }
        NDArray g = manager.create(v, new Shape(k, d));
        NDArray gLogQ = mix(flow.logProb(g), gaussianLogProb(g));
        if (k == n) {
            return new NoiseSample(g, gLogQ);
        }
        NoiseSample f = flow.sample(manager, n - k, random);
        NDArray fLogQ = mix(f.logQ(), gaussianLogProb(f.x()));
        return new NoiseSample(NDArrays.concat(new ai.djl.ndarray.NDList(f.x(), g)),
                NDArrays.concat(new ai.djl.ndarray.NDList(fLogQ, gLogQ)));
    }

    /** log N(x; 0, s^2 I) per row. */
    private NDArray gaussianLogProb(NDArray x) {
        double logNorm = -0.5 * dimension() * Math.log(2 * Math.PI * std * std);
        return Scalars.mul(x.square().sum(new int[] {1}), (float) (-0.5 / (std * std))).add((float) logNorm);
    }

    /** log((1 - w) exp(logFlow) + w exp(logGaussian)) = a + softplus(b - a), stable whichever term is larger. */
    private NDArray mix(NDArray logFlow, NDArray logGaussian) {
        NDArray a = logFlow.add(logFlowShare);
        NDArray b = logGaussian.add(logGaussianShare);
        NDArray hi = a.maximum(b);
        NDArray lo = a.minimum(b);
        return hi.add(lo.sub(hi).getNDArrayInternal().softPlus());
    }
}
