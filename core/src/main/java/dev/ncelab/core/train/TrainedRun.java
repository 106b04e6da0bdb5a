package dev.ncelab.core.train;

import dev.ncelab.core.experiment.ExperimentConfig;
import dev.ncelab.core.experiment.ExperimentLoader;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished (or interrupted) run opened for use: its resolved configuration rebuilt by the registered plugins
 * and the models' parameters restored from its last checkpoint. Nothing in the run directory is written.
 */
public final class TrainedRun implements AutoCloseable {
    private final RunDirectory dir;
    private final Experiment experiment;

    private TrainedRun(RunDirectory dir, Experiment experiment) {
        this.dir = dir;
        this.experiment = experiment;
    }

    /**
     * Opens a run directory. Refuses, naming the fix, a directory without {@code config.yaml} or without a
     * checkpoint.
     */
    public static TrainedRun open(Path runDir, PluginRegistry registry) {
        RunDirectory dir = new RunDirectory(runDir);
        if (!Files.isRegularFile(dir.config())) {
            throw new IllegalArgumentException(runDir + " is not a run directory (it has no config.yaml): give the "
                    + "directory that ncelab run printed, results/<name>/<yyyyMMdd-HHmmss>_<hash>");
        }
        if (!Files.isRegularFile(dir.checkpoint())) {
            throw new IllegalArgumentException(runDir + " has no checkpoint (" + dir.path().relativize(dir.checkpoint())
                    + "): the run ended before its first checkpoint; train it again or resume it");
        }
        ExperimentConfig cfg = new ExperimentLoader(registry).load(dir.config(), List.of());
        Experiment exp = Experiment.build(cfg, registry, null);
        try {
            Checkpoint.load(dir.checkpoint(), new Trainer(exp, dir, List.of()));
            return new TrainedRun(dir, exp);
        } catch (RuntimeException e) {
            exp.close();
            throw e;
        }
    }

    public RunDirectory directory() {
        return dir;
    }

    public Experiment experiment() {
        return experiment;
    }

    @Override
    public void close() {
        experiment.close();
    }
}
