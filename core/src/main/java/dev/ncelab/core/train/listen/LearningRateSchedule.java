package dev.ncelab.core.train.listen;

import dev.ncelab.core.experiment.TrainingConfig;
import dev.ncelab.core.train.StepEvent;
import dev.ncelab.core.train.Training;
import dev.ncelab.core.train.TrainingListener;
import java.util.List;

/**
 * {@code training.lr_schedule}: before each step, each scheduled player's learning rate is its
 * {@code training.lr} times the schedule's factor at that step (so a resumed run continues on the same curve).
 */
public final class LearningRateSchedule implements TrainingListener {
    private final TrainingConfig.LrSchedule schedule;
    private final TrainingConfig.LearningRates base;
    private final List<String> players;

    /** @param players the objective's players (those the schedule names get a column {@code lr_<player>}) */
    public LearningRateSchedule(TrainingConfig training, List<String> players) {
        this.schedule = training.lrSchedule();
        this.base = training.lr();
        this.players = players.stream().filter(schedule.players()::contains).toList();
    }

    /** Whether a schedule is configured at all (the constant one without warm-up changes nothing). */
    public static boolean configured(TrainingConfig training) {
        return training.lrSchedule().shape() != TrainingConfig.LrSchedule.Shape.CONSTANT
                || training.lrSchedule().warmup() > 0;
    }

    @Override
    public List<String> columns() {
        return players.stream().map(p -> "lr_" + p).toList();
    }

    @Override
    public void onStart(Training t) {
        apply(t, t.state().step);
    }

    @Override
    public void onStep(Training t, StepEvent e) {
        for (String p : players) { // the rate this step trained with
            e.extra().put("lr_" + p, t.optimizers().get(p).learningRate());
        }
        apply(t, e.step());
    }

    private void apply(Training t, long step) {
        double f = schedule.factor(step, t.totalSteps());
        for (String p : players) {
            t.optimizers().get(p).setLearningRate(base.of(p) * f);
        }
    }
}
