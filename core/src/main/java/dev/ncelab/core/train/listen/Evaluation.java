package dev.ncelab.core.train.listen;

import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.run.RunStatus;
import dev.ncelab.core.train.Experiment;
import dev.ncelab.core.train.StepEvent;
import dev.ncelab.core.train.Training;
import dev.ncelab.core.train.TrainingListener;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The truth metrics on held-out data ({@link Evaluator}) when they are due, passed on to the metric row; the
 * last ones (or a final evaluation) go into the summary. For an objective that does not learn c (ranking NCE, CD,
 * DSM), {@code mse_logp} is that of the model normalised by its quadrature.
 */
public final class Evaluation implements TrainingListener {
    private final Experiment exp;
    private final Evaluator evaluator;
    private final Optional<NoiseModel> noise;
    private Map<String, Double> last = Map.of();

    public Evaluation(Experiment exp) {
        this.exp = exp;
        this.evaluator = new Evaluator(exp.dataset(), exp.config().logging().grid());
        this.noise = exp.noise();
    }

    @Override
    public List<String> columns() {
        return evaluator.columns(noise);
    }

    @Override
    public void onStep(Training t, StepEvent e) {
        if (e.evaluate()) {
            last = evaluator.evaluate(exp.manager(), exp.energy(), noise, !exp.objective().identifiesLogZ());
            last.forEach((k, v) -> {
                if (!k.equals("log_z")) {
                    e.extra().put(k, v);
                }
            });
        }
    }

    @Override
    public void onEnd(Training t, Map<String, Object> summary) {
        if (t.status() != RunStatus.DIVERGED && last.isEmpty()) {
            last = evaluator.evaluate(exp.manager(), exp.energy(), noise, !exp.objective().identifiesLogZ());
        }
        last.forEach((k, v) -> summary.putIfAbsent(k, RunSummary.finiteOrNull(v)));
    }
}
