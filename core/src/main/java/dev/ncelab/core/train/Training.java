package dev.ncelab.core.train;

import dev.ncelab.core.model.Adam;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.run.RunDirectory;
import dev.ncelab.core.run.RunStatus;
import java.util.List;
import java.util.Map;

/** What listeners see of a training run. */
public interface Training {
    Experiment experiment();

    RunDirectory directory();

    TrainingState state();

    /** The objective's players and their optimisers, in order. */
    List<Player> players();

    Map<String, Adam> optimizers();

    /** The listeners, in order (checkpoints save those that are {@link dev.ncelab.core.plugin.Stateful}). */
    List<TrainingListener> listeners();

    /** The number of steps this run trains for. */
    long totalSteps();

    boolean resumed();

    /**
     * Ends the run with a status ({@code interrupted}, {@code diverged}) and why; the listener that calls it also
     * marks its step as the last.
     */
    void stop(RunStatus status, String message);

    /** The status the run will end with, so far. */
    RunStatus status();
}
