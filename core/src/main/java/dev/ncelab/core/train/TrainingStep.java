package dev.ncelab.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.Adam;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.objective.Step;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One training step: the next batch, one sub-manager closed at the end, the learner's parameters recording
 * gradients and the others' not, the objective's step, and the learner's Adam update. Only Java numbers leave.
 * A non-finite loss or gradient skips the update (counted); the schedule picks the next learner after a
 * completed step.
 */
final class TrainingStep {
    private static final Logger LOG = LogManager.getLogger(TrainingStep.class);

    private final Experiment exp;
    private final List<Player> players;
    private final Map<String, Adam> optimizers;
    private final Matrix train;
    private final int batch;
    private final float[] buffer;
    private final int evalEvery;

    TrainingStep(Experiment exp, List<Player> players, Map<String, Adam> optimizers, int batch) {
        this.exp = exp;
        this.players = players;
        this.optimizers = optimizers;
        this.train = exp.dataset().train();
        this.batch = batch;
        this.buffer = new float[batch * train.cols()];
        this.evalEvery = exp.config().logging().evalEvery();
    }

    StepEvent run(TrainingState s, long total) {
        int b = Math.min(batch, train.rows() - s.position);
        train.gather(s.order, s.position, b, buffer);
        String learner = s.next;
        Objective objective = exp.objective();
        Step.Outcome outcome;
        String skipped = null;
        try (NDManager m = exp.manager().newSubManager()) {
            for (Player p : players) {
                p.parameters().attach(m);
                p.parameters().setLearning(p.name().equals(learner));
            }
            NDArray x = m.create(b < batch ? Arrays.copyOf(buffer, b * train.cols()) : buffer, new Shape(b, train.cols()));
            outcome = objective.step(new Scope(m, x, learner, s.objective));
            if (!Double.isFinite(outcome.loss())) {
                skipped = "the objective's loss was " + outcome.loss();
            } else if (!optimizers.get(learner).step()) {
                skipped = "the " + learner + " model's gradient was not finite";
            }
        }
        s.step++;
        int epoch = s.epoch + 1;
        s.position += b;
        if (skipped == null) {
            s.consecutiveNonfinite = 0;
            s.playerSteps.merge(learner, 1L, Long::sum);
            s.next = exp.schedule().next(new dev.ncelab.core.schedule.Schedule.Previous(s.step, s.epoch, learner,
                    outcome.metrics()));
        } else {
            s.nonfinite++;
            s.consecutiveNonfinite++;
            LOG.warn("step {}: {}; update skipped ({} in a row)", s.step, skipped, s.consecutiveNonfinite);
        }
        boolean epochEnd = s.position >= train.rows();
        if (epochEnd) {
            s.epoch++;
            s.position = 0;
            s.order = Matrix.permutation(train.rows(), s.shuffle);
        }
        return new StepEvent(s.step, epoch, learner, skipped == null ? outcome.metrics() : Map.of(), skipped,
                epochEnd, s.step >= total, evalEvery);
    }

    /** The objective's view of the step. */
    private record Scope(NDManager manager, NDArray batch, String learner, Random random) implements Step {
        @Override
        public Outcome record(Supplier<Terms> forward) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Terms t = forward.get();
                NDList all = new NDList(t.loss());
                t.metrics().values().forEach(all::add);
                float[] v = NDArrays.stack(all).toFloatArray();
                if (Float.isFinite(v[0])) {
                    gc.backward(t.loss());
                }
                Map<String, Double> metrics = new LinkedHashMap<>();
                int i = 1;
                for (String k : t.metrics().keySet()) {
                    metrics.put(k, (double) v[i++]);
                }
                return new Outcome(v[0], metrics);
            }
        }
    }
}
