package dev.ncelab.plugins.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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

    RankingNceObjective(EnergyModel energy, NoiseModel noise, int k, NDManager constants) {
        super(energy, noise, k - 1, constants);
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
    NDArray[] evaluate(NDArray logp, NDArray logq, long b) {
        NDArray s = logp.sub(logq);
        NDArray sData = s.get(new NDIndex("0:{}", b)).reshape(b, 1);
        NDArray sNoise = s.get(new NDIndex("{}:", b)).reshape(b, k - 1);
        NDArray scores = sData.concat(sNoise, 1);
        NDArray logSoftmax = scores.logSoftmax(1);
        NDArray negValue = logSoftmax.get(":, 0").mean().neg();
        NDArray best = sNoise.max(new int[] {1});
        NDArray accuracy = sData.reshape(b).gt(best).toType(DataType.FLOAT32, false).mean();
        return new NDArray[] {negValue, accuracy};
    }
}
