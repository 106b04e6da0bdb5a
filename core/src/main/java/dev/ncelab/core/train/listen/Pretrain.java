package dev.ncelab.core.train.listen;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.Adam;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.train.Experiment;
import dev.ncelab.core.train.Training;
import dev.ncelab.core.train.TrainingListener;
import java.util.Random;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code noise.pretrain_steps}: before a new run's first step, the flow learns by maximum likelihood on the data
 * for that many steps (with its own optimiser, from its own random stream). Not repeated on resume.
 */
public final class Pretrain implements TrainingListener {
    private static final Logger LOG = LogManager.getLogger(Pretrain.class);

    @Override
    public void onStart(Training t) {
        Experiment exp = t.experiment();
        NoiseModel noise = exp.noise().orElse(null);
        if (t.resumed() || noise == null || noise.pretrainSteps() <= 0) {
            return;
        }
        int steps = noise.pretrainSteps();
        LOG.info("pre-training the noise model by maximum likelihood for {} steps", steps);
        Adam opt = t.optimizers().get("noise");
        if (opt == null) {
            LOG.warn("noise.pretrain_steps is set but objective '{}' does not train the noise model: no pre-training",
                    exp.config().objective().type());
            return;
        }
        Matrix train = exp.dataset().train();
        int batch = Math.min(exp.config().training().batch(), train.rows());
        Random r = exp.random("pretrain");
        float[] buf = new float[batch * train.cols()];
        int[] order = Matrix.permutation(train.rows(), r);
        int pos = 0;
        for (int i = 0; i < steps; i++) {
            if (pos + batch > train.rows()) {
                order = Matrix.permutation(train.rows(), r);
                pos = 0;
            }
            train.gather(order, pos, batch, buf);
            pos += batch;
            try (NDManager step = exp.manager().newSubManager()) {
                noise.parameters().attach(step);
                noise.parameters().setLearning(true);
                NDArray x = step.create(buf, new Shape(batch, train.cols()));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = noise.logProb(x).mean().neg();
                    if (!Float.isFinite(loss.getFloat())) {
                        continue;
                    }
                    gc.backward(loss);
                }
                opt.step();
            }
        }
    }
}
