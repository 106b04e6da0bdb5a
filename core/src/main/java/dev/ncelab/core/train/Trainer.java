package dev.ncelab.core.train;

import dev.ncelab.core.experiment.TrainingConfig;
import dev.ncelab.core.model.Adam;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.run.MetricsCsv;
import dev.ncelab.core.run.RunDirectory;
import dev.ncelab.core.run.RunStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The training driver: the objective's players each get an Adam, the schedule picks who learns, {@link
 * TrainingStep} runs each step, and listeners do everything else (evaluation, plots, metric rows, checkpoints,
 * progress, limits). A resumed run first restores the checkpoint.
 */
public final class Trainer implements Training {
    /** How a run ended and its summary. */
    public record Result(RunStatus status, Map<String, Object> summary) {}

    private final Experiment exp;
    private final RunDirectory dir;
    private final List<TrainingListener> listeners;
    private final List<Player> players;
    private final Map<String, Adam> optimizers = new LinkedHashMap<>();
    private final TrainingState state = new TrainingState();
    private final long total;
    private final int batch;
    private boolean resumed;
    private RunStatus status = RunStatus.FINISHED;
    private String message;

    public Trainer(Experiment exp, RunDirectory dir, List<TrainingListener> listeners) {
        this.exp = exp;
        this.dir = dir;
        this.listeners = List.copyOf(listeners);
        this.players = exp.objective().players();
        TrainingConfig t = exp.config().training();
        for (Player p : players) {
            optimizers.put(p.name(), new Adam(p.parameters(), t.lr().of(p.name()), t.betas().get(0), t.betas().get(1)));
        }
        int rows = exp.dataset().train().rows();
        this.batch = Math.min(t.batch(), rows);
        long steps = (long) t.epochs() * ((rows + batch - 1) / batch);
        this.total = t.maxSteps() == null ? steps : Math.min(steps, t.maxSteps());
    }

    /** The metric columns of this run: the step's own, the objective's, then each listener's. */
    public List<String> columns() {
        LinkedHashSet<String> c = new LinkedHashSet<>(List.of("step", "epoch", "trained"));
        c.addAll(exp.objective().metrics());
        listeners.forEach(l -> c.addAll(l.columns()));
        return new ArrayList<>(c);
    }

    public Result run(boolean resume) {
        resumed = resume;
        state.next = exp.schedule().first(players.stream().map(Player::name).toList());
        state.shuffle = exp.random("shuffle");
        state.objective = exp.random("noise-samples");
        state.order = dev.ncelab.core.data.Matrix.permutation(exp.dataset().train().rows(), state.shuffle);
        if (resume) {
            Checkpoint.load(dir.checkpoint(), this);
            MetricsCsv.truncateAfter(dir.metrics(), state.step); // rows past the checkpoint are written again
        }
        TrainingStep step = new TrainingStep(exp, players, optimizers, batch);
        try {
            listeners.forEach(l -> l.onStart(this));
            double before = state.seconds;
            long started = System.nanoTime();
            boolean last = state.step >= total;
            long stepNanos = 0;
            while (!last) {
                long t0 = System.nanoTime();
                StepEvent e = step.run(state, total);
                stepNanos += System.nanoTime() - t0;
                state.seconds = before + (System.nanoTime() - started) / 1e9;
                for (TrainingListener l : listeners) {
                    l.onStep(this, e);
                }
                last = e.last();
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("status", status.label());
            if (message != null) {
                summary.put("message", message);
            }
            summary.put("steps", state.step);
            summary.put("seconds", state.seconds);
            // the training steps alone (no evaluation, logging, checkpoints), in this process
            summary.put("step_seconds", stepNanos / 1e9);
            listeners.forEach(l -> l.onEnd(this, summary));
            return new Result(status, summary);
        } finally {
            listeners.forEach(TrainingListener::close);
        }
    }

    @Override
    public void stop(RunStatus status, String message) {
        if (this.status == RunStatus.FINISHED) {
            this.status = status;
            this.message = message;
        }
    }

    @Override
    public RunStatus status() {
        return status;
    }

    @Override
    public Experiment experiment() {
        return exp;
    }

    @Override
    public RunDirectory directory() {
        return dir;
    }

    @Override
    public TrainingState state() {
        return state;
    }

    @Override
    public List<Player> players() {
        return players;
    }

    @Override
    public Map<String, Adam> optimizers() {
        return optimizers;
    }

    @Override
    public List<TrainingListener> listeners() {
        return listeners;
    }

    @Override
    public long totalSteps() {
        return total;
    }

    @Override
    public boolean resumed() {
        return resumed;
    }
}
