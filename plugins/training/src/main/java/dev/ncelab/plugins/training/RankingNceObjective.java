package dev.ncelab.plugins.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;

/**
 * Ranking NCE / InfoNCE (van den Oord et al. 2018): each data point and its k-1 noise points are scored by
 * s = log p - log q, and the value is the mean log-softmax probability of the data point among the k. The
 * normaliser c cancels, so it is not identified. Reported: {@code ranking_loss} = -value and {@code accuracy},
 * the fraction of groups where the data point has the highest score (chance is 1/k).
 */
final class RankingNceObjective extends NceObjective {
    private final int k;

    RankingNceObjective(EnergyModel energy, NoiseModel noise, int k) {
        super(energy, noise, k - 1);
        this.k = k;
    }

    @Override
    String lossName() {
        return "ranking_loss";
    }

    @Override
    public boolean identifiesLogZ() {
        return false;
    }

    @Override
    NDArray[] evaluate(NDArray logpData, NDArray logqData, NDArray logpNoise, NDArray logqNoise) {
        long b = logpData.getShape().get(0);
        NDArray sData = logpData.sub(logqData).reshape(b, 1);
        NDArray sNoise = logpNoise.sub(logqNoise).reshape(b, k - 1);
        NDArray scores = sData.concat(sNoise, 1);
        NDArray logSoftmax = scores.logSoftmax(1);
        NDArray value = logSoftmax.get(":, 0").mean();
        NDArray best = sNoise.max(new int[] {1});
        NDArray accuracy = sData.reshape(b).gt(best).toType(DataType.FLOAT32, false).mean();
        return new NDArray[] {value, accuracy};
    }
}
