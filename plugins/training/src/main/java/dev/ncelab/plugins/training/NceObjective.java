package dev.ncelab.plugins.training;

import ai.djl.ndarray.NDArray;
import dev.ncelab.core.math.Scalars;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.objective.Terms;

/**
 * NCE with noise ratio nu (Gutmann and Hyvarinen 2010): with d = log p - log q,
 * V = mean_data log sigma(d - log nu) + (1/B) sum_noise log sigma(log nu - d). With nu = 1 this is exactly the
 * reference value function. log sigma(z) is computed as -softplus(-z).
 *
 * <p>Accuracy: a point is classified as data when d - log nu >= 0 (ties count as data, as in the FCE
 * reference); data and noise each weigh one half, so chance stays at 0.5 for any nu (for nu = 1 this is the
 * reference's (correct data + correct noise) / 2B).
 */
final class NceObjective implements Objective {
    private final int nu;
    private final float logNu;

    NceObjective(int nu) {
        this.nu = nu;
        this.logNu = (float) Math.log(nu);
    }

    @Override
    public int noisePerDataPoint() {
        return nu;
    }

    @Override
    public Terms evaluate(NDArray logpData, NDArray logqData, NDArray logpNoise, NDArray logqNoise) {
        NDArray dData = logpData.sub(logqData).sub(logNu);
        NDArray dNoise = logpNoise.sub(logqNoise).sub(logNu);
        long b = logpData.getShape().get(0);
        NDArray dataTerm = logSigmoid(dData).mean();
        NDArray noiseTerm = Scalars.div(logSigmoid(dNoise.neg()).sum(), b);
        NDArray value = dataTerm.add(noiseTerm);
        NDArray accData = dData.gte(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean();
        NDArray accNoise = dNoise.lt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean();
        NDArray accuracy = Scalars.mul(accData.add(accNoise), 0.5f);
        return new Terms(value, accuracy);
    }

    static NDArray logSigmoid(NDArray z) {
        return z.neg().getNDArrayInternal().softPlus().neg();
    }
}
