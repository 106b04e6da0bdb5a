package dev.ncelab.runners;

import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.experiment.ExperimentConfig;
import dev.ncelab.core.experiment.ExperimentLoader;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.plugin.Plugins;
import dev.ncelab.core.run.RunDirectory;
import dev.ncelab.core.train.Run;
import dev.ncelab.core.train.Trainer;
import dev.ncelab.core.train.listen.Progress;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import sun.misc.Signal;

/** {@code ncelab run FILE [key=value ...]}: trains one experiment into a new run directory. */
@Command(name = "run", description = "Train an experiment. Overrides are key.path=value (training.epochs=5).")
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "the experiment YAML")
    Path file;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "overrides, e.g. training.epochs=5")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--dry-run", description = "print the resolved configuration and stop")
    boolean dryRun;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue a run from its last checkpoint")
    Path resume;

    @Option(names = "--group", paramLabel = "NAME", description = "the sweep this run belongs to (for loggers)")
    String group;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "train into exactly this directory")
    Path runDir;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Override
    public Integer call() {
        try {
            return execute();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (Plugins.PluginLoadException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (UncheckedIOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private Integer execute() {
        overrides.replaceAll(o -> o.startsWith("--") && o.contains("=") ? o.substring(2) : o); // W&B's ${args} form
        Path experiment;
        if (resume != null) {
            if (file != null) {
                overrides.add(0, file.toString());
            }
            if (!overrides.isEmpty()) {
                System.err.println("error: --resume continues a run exactly as it was configured; drop the "
                        + "overrides " + overrides);
                return 2;
            }
            experiment = resume.resolve("config.yaml");
            if (!Files.exists(experiment)) {
                System.err.println("error: " + resume + " is not a run directory (no config.yaml)");
                return 2;
            }
        } else if (file == null) {
            System.err.println("error: name an experiment file, e.g. ./ncelab run experiments/nce-8gaussians.yaml");
            return 2;
        } else {
            experiment = file;
        }
        ConfigDocument doc = ExperimentLoader.read(experiment, overrides);
        List<Path> dirs = new ArrayList<>(main.pluginDirs);
        ExperimentLoader.pluginDirectories(doc).forEach(d -> dirs.add(experiment.toAbsolutePath().getParent()
                .resolve(d)));
        PluginRegistry registry = PluginLoader.registry(dirs);
        String defaultName = experiment.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        if (resume != null) {
            defaultName = resume.toAbsolutePath().getParent().getFileName().toString();
        }
        ExperimentConfig cfg = new ExperimentLoader(registry).bind(doc, defaultName);
        if (dryRun) {
            System.out.print(cfg.toYaml());
            return 0;
        }
        AtomicBoolean stop = new AtomicBoolean();
        installSignals(stop);
        Progress progress = quiet ? Progress.QUIET : new ConsoleProgress(cfg.name());
        List<String> command = new ArrayList<>();
        command.add("run");
        command.add(experiment.toString());
        command.addAll(overrides);
        Trainer.Result result;
        try (RunLogFile logFile = new RunLogFile()) {
            EngineLoader.prepare(cfg.training().threads()); // in run.log: the threads this run trains with
            Run.Options options = new Run.Options(overrides, group, command, progress, stop, dir -> {
                logFile.open(dir.log());
                System.out.println("run directory: " + dir.path());
            }, EngineLoader.evaluationThreads(cfg.training().threads()));
            result = resume != null ? Run.resume(cfg, registry, new RunDirectory(resume), options)
                    : Run.start(cfg, registry, options, runDir);
        }
        print(result.summary());
        return result.status().exitCode();
    }

    static void print(Map<String, Object> summary) {
        StringBuilder sb = new StringBuilder();
        summary.forEach((k, v) -> {
            if (v instanceof Double d) {
                sb.append(String.format(Locale.ROOT, "  %-18s %.5g%n", k, d));
            } else {
                sb.append(String.format(Locale.ROOT, "  %-18s %s%n", k, v));
            }
        });
        System.out.print(sb);
    }

    /** First Ctrl-C (or SIGTERM): finish the step, checkpoint, write the summary. Second: exit at once. */
    static void installSignals(AtomicBoolean stop) {
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), s -> {
                    if (stop.getAndSet(true)) {
                        Runtime.getRuntime().halt(130);
                    }
                    System.err.println("\nstopping after this step (checkpoint and summary); press Ctrl-C again to "
                            + "exit at once");
                });
            } catch (IllegalArgumentException e) {
                // the signal is not available on this platform
            }
        }
    }
}
