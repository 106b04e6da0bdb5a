package dev.ncelab.plugins.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.ncelab.core.objective.Step;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/** A training step as the core's driver runs it (one collector, backward of the loss), for objective tests. */
record Steps(NDManager manager, NDArray batch, String learner, Random random) implements Step {
    @Override
    public Outcome record(Supplier<Terms> forward) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Terms t = forward.get();
            double loss = t.loss().getFloat();
            Map<String, Double> m = new LinkedHashMap<>();
            t.metrics().forEach((k, v) -> m.put(k, (double) v.getFloat()));
            gc.backward(t.loss());
            return new Outcome(loss, m);
        }
    }
}
