package dev.ncelab.plugins.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.objective.Terms;

/**
 * Ranking NCE / InfoNCE (van den Oord et al. 2018): each data point and its k-1 noise points are scored by
 * s = log p - log q, and the value is the mean log-softmax probability of the data point among the k. The
 * normaliser c cancels, so it is not identified. Accuracy: the fraction of groups where the data point has the
 * highest score (chance is 1/k).
 */
final class RankingNceObjective implements Objective {
    private final int k;

    RankingNceObjective(int k) {
        this.k = k;
    }

    @Override
    public int noisePerDataPoint() {
        return k - 1;
    }

    @Override
    public boolean identifiesLogZ() {
        return false;
    }

    @Override
    public Terms evaluate(NDArray logpData, NDArray logqData, NDArray logpNoise, NDArray logqNoise) {
        long b = logpData.getShape().get(0);
        NDArray sData = logpData.sub(logqData).reshape(b, 1);
        NDArray sNoise = logpNoise.sub(logqNoise).reshape(b, k - 1);
        NDArray scores = sData.concat(sNoise, 1);
        NDArray logSoftmax = scores.logSoftmax(1);
        NDArray value = logSoftmax.get(":, 0").mean();
        NDArray best = sNoise.max(new int[] {1});
        NDArray accuracy = sData.reshape(b).gt(best).toType(DataType.FLOAT32, false).mean();
        return new Terms(value, accuracy);
    }
}
