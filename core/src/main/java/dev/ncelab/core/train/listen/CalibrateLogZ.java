package dev.ncelab.core.train.listen;

import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.eval.ImportanceLogZ;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.run.RunStatus;
import dev.ncelab.core.train.Experiment;
import dev.ncelab.core.train.StepEvent;
import dev.ncelab.core.train.Training;
import dev.ncelab.core.train.TrainingListener;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code training.calibrate_log_z}: at the last step of a finished run, before the final evaluation, c is moved to
 * the importance-sampled log Z of the model (proposal: the flow, else a Gaussian fitted to the data where there is
 * no box; in 2-D without a flow, the quadrature), so the saved model is normalised. The shift is reported as
 * {@code log_z_shift} in the summary.
 */
public final class CalibrateLogZ implements TrainingListener {
    private static final Logger LOG = LogManager.getLogger(CalibrateLogZ.class);
    /** Proposal draws for the calibration: 10x an evaluation's, so its standard error is about 0.3x theirs. */
    static final int SAMPLES = 10 * Evaluator.IMPORTANCE_SAMPLES;
    private final Experiment exp;
    private final Evaluator evaluator;
    private Double shift;

    public CalibrateLogZ(Experiment exp, Evaluator evaluator) {
        this.exp = exp;
        this.evaluator = evaluator;
    }

    @Override
    public void onStep(Training t, StepEvent e) {
        if (!e.last() || t.status() != RunStatus.FINISHED) {
            return;
        }
        EnergyModel energy = exp.energy();
        Optional<ImportanceLogZ.Estimate> is = evaluator.importanceLogZ(exp.manager(), energy, exp.noise(), SAMPLES);
        double delta;
        if (is.isPresent() && Double.isFinite(is.get().logZ())) {
            delta = is.get().logZ();
            LOG.info("log Z by importance sampling: c moves by {} (standard error {}, ESS {} of {})", delta,
                    is.get().standardError(), is.get().ess(), SAMPLES);
        } else if (evaluator.grid().isPresent()) {
            Evaluator.Grid g = evaluator.grid().get();
            delta = g.logIntegral(Evaluator.apply(exp.manager(), g.points(), energy::logDensity, energy.parameters()));
            LOG.info("log Z by quadrature: c moves by {}", delta);
        } else {
            LOG.warn("training.calibrate_log_z: no estimate of log Z for this run; c is left as learned");
            return;
        }
        if (energy.shiftLogZ(delta)) {
            shift = delta;
        } else {
            LOG.warn("training.calibrate_log_z: energy '{}' has no c to move (self-normalised)",
                    exp.config().energy().type());
        }
    }

    @Override
    public void onEnd(Training t, Map<String, Object> summary) {
        if (shift != null) {
            summary.put("log_z_shift", shift);
        }
    }
}
