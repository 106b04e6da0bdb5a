package dev.ncelab.core.train.listen;

import dev.ncelab.core.train.StepEvent;
import dev.ncelab.core.train.Training;
import dev.ncelab.core.train.TrainingListener;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The summary's training figures: each objective metric averaged over the last {@value #WINDOW} completed steps,
 * the learned log Z, the best possible log-likelihood where known, and the steps per player.
 */
public final class RunSummary implements TrainingListener {
    /** Steps over which the summary averages the objective's metrics. */
    public static final int WINDOW = 100;
    private final Map<String, double[]> windows = new LinkedHashMap<>();
    private int count;

    @Override
    public void onStep(Training t, StepEvent e) {
        if (e.skipped() != null) {
            return;
        }
        e.metrics().forEach((k, v) -> windows.computeIfAbsent(k, x -> {
            double[] w = new double[WINDOW];
            java.util.Arrays.fill(w, Double.NaN); // a metric first reported late is not averaged with zeros
            return w;
        })[count % WINDOW] = v);
        count++;
    }

    @Override
    public void onEnd(Training t, Map<String, Object> summary) {
        t.experiment().objective().metrics().forEach(k -> summary.put(k, finiteOrNull(mean(windows.get(k)))));
        summary.put("log_z", t.experiment().energy().logZ());
        t.experiment().dataset().bestLogLikelihood().ifPresent(v -> summary.put("best_loglik", v));
        t.state().playerSteps.forEach((p, n) -> summary.put(p + "_steps", n));
        summary.put("energy_fraction", t.state().energyFraction());
        summary.put("nonfinite_steps", t.state().nonfinite);
    }

    private double mean(double[] window) {
        int n = Math.min(count, WINDOW);
        double s = 0;
        int finite = 0;
        for (int i = 0; window != null && i < n; i++) {
            if (!Double.isNaN(window[i])) {
                s += window[i];
                finite++;
            }
        }
        return finite == 0 ? Double.NaN : s / finite;
    }

    /** JSON has no NaN: an undefined figure is written as null. */
    static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
