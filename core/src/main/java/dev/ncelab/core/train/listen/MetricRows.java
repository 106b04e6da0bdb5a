package dev.ncelab.core.train.listen;

import dev.ncelab.core.run.RunLogger;
import dev.ncelab.core.train.StepEvent;
import dev.ncelab.core.train.Training;
import dev.ncelab.core.train.TrainingListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A metric row every {@code logging.every} steps and at every evaluation, to every run logger: the step, who
 * learned, the objective's metrics, the learned log Z, the energy fraction, skipped steps, seconds and whatever
 * earlier listeners added (the truth metrics).
 */
public final class MetricRows implements TrainingListener {
    private final int every;
    private final List<RunLogger> loggers;

    public MetricRows(int every, List<RunLogger> loggers) {
        this.every = every;
        this.loggers = loggers;
    }

    @Override
    public List<String> columns() {
        return List.of("log_z", "energy_fraction", "nonfinite_steps", "seconds");
    }

    @Override
    public void onStep(Training t, StepEvent e) {
        if (e.step() % every != 0 && !e.evaluate()) {
            return;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", e.step());
        row.put("epoch", e.epoch());
        row.put("trained", e.learner());
        e.metrics().forEach((k, v) -> row.put(k, Double.isNaN(v) ? null : v));
        row.put("log_z", t.experiment().energy().logZ());
        row.put("energy_fraction", t.state().energyFraction());
        row.put("nonfinite_steps", t.state().nonfinite);
        row.put("seconds", t.state().seconds);
        row.putAll(e.extra());
        for (RunLogger l : loggers) {
            l.log(e.step(), row);
        }
    }
}
