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
    private final String prefix;
    private Map<String, Double> last = Map.of();

    public Evaluation(Experiment exp) {
        this(exp, new Evaluator(exp.dataset(), exp.config().logging().grid()));
    }

    /** An evaluation with an evaluator it shares (with the raw figures' evaluation, the log Z calibration). */
    public Evaluation(Experiment exp, Evaluator evaluator) {
        this(exp, evaluator, "");
    }

    /**
     * An evaluation whose columns carry a prefix: with {@code training.ema}, {@code raw_} names the figures of the
     * raw (not averaged) parameters beside the average's (only {@code mse_logp}, {@code test_loglik} and
     * {@code log_z_quadrature}; they stay out of the summary).
     */
    public static Evaluation raw(Experiment exp, Evaluator evaluator) {
        return new Evaluation(exp, evaluator, "raw_");
    }

    private Evaluation(Experiment exp, Evaluator evaluator, String prefix) {
        this.prefix = prefix;
        this.exp = exp;
        this.evaluator = evaluator;
        this.noise = exp.noise();
    }

    @Override
    public List<String> columns() {
        return prefix.isEmpty() ? evaluator.columns(noise)
                : evaluator.columns(noise).stream().filter(Evaluation::rawFigure).map(k -> prefix + k).toList();
    }

    private static boolean rawFigure(String key) {
        return List.of("mse_logp", "test_loglik", "log_z_quadrature").contains(key);
    }

    @Override
    public void onStep(Training t, StepEvent e) {
        if (e.evaluate()) {
            last = evaluator.evaluate(exp.manager(), exp.energy(), noise, !exp.objective().identifiesLogZ(),
                    !prefix.isEmpty());
            last.forEach((k, v) -> {
                if (!k.equals("log_z") && (prefix.isEmpty() || rawFigure(k))) {
                    e.extra().put(prefix + k, v);
                }
            });
        }
    }

    @Override
    public void onEnd(Training t, Map<String, Object> summary) {
        if (!prefix.isEmpty()) {
            return;
        }
        if (t.status() != RunStatus.DIVERGED && last.isEmpty()) {
            last = evaluator.evaluate(exp.manager(), exp.energy(), noise, !exp.objective().identifiesLogZ());
        }
        last.forEach((k, v) -> summary.putIfAbsent(k, RunSummary.finiteOrNull(v)));
    }
}
