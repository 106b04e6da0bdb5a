package dev.ncelab.core.train;

import ai.djl.engine.Engine;
import dev.ncelab.core.experiment.ExperimentConfig;
import dev.ncelab.core.experiment.PluginSpec;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.run.AtomicFiles;
import dev.ncelab.core.run.MetricsCsv;
import dev.ncelab.core.run.RunDirectory;
import dev.ncelab.core.run.RunInfo;
import dev.ncelab.core.run.RunLogger;
import dev.ncelab.core.run.RunStatus;
import dev.ncelab.core.run.Startup;
import dev.ncelab.core.experiment.TrainingConfig;
import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.train.listen.CalibrateLogZ;
import dev.ncelab.core.train.listen.DensityPlots;
import dev.ncelab.core.train.listen.Ema;
import dev.ncelab.core.train.listen.LearningRateSchedule;
import dev.ncelab.core.train.listen.Evaluation;
import dev.ncelab.core.train.listen.Limits;
import dev.ncelab.core.train.listen.MetricRows;
import dev.ncelab.core.train.listen.Pretrain;
import dev.ncelab.core.train.listen.Progress;
import dev.ncelab.core.train.listen.RunSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One run from start to end: builds the experiment (configuration errors surface before anything is written),
 * creates the run directory, writes the resolved config and metadata, trains with the metrics file and the
 * configured loggers, and writes the summary and final metadata whatever happens.
 */
public final class Run {
    private static final Logger LOG = LogManager.getLogger(Run.class);

    /** What a run needs beyond its configuration. */
    public record Options(List<String> overrides, String group, List<String> commandLine,
            Progress progress, AtomicBoolean stop, java.util.function.Consumer<RunDirectory> onCreated,
            EvaluationThreads evaluationThreads) {}

    private Run() {}

    /** Trains a new run; the run directory is created only once the experiment has been built. */
    public static Trainer.Result start(ExperimentConfig cfg, PluginRegistry registry, Options options) {
        return start(cfg, registry, options, null);
    }

    /**
     * Trains into a given run directory (a sweep names each point's), or a fresh one under the output root when
     * {@code runDir} is null.
     */
    public static Trainer.Result start(ExperimentConfig cfg, PluginRegistry registry, Options options,
            Path runDir) {
        Path output = Path.of(cfg.output());
        RunDirectory.checkWritable(runDir == null ? output : runDir.toAbsolutePath().getParent());
        applyThreads(cfg.training().threads());
        String yaml = cfg.toYaml();
        try (Experiment exp = Experiment.build(cfg, registry, null)) {
            RunDirectory dir = runDir == null ? RunDirectory.create(output, cfg.name(), yaml) : fixed(runDir);
            options.onCreated().accept(dir);
            AtomicFiles.writeString(dir.config(), yaml);
            AtomicFiles.writeString(dir.overrides(), String.join("\n", options.overrides())
                    + (options.overrides().isEmpty() ? "" : "\n"));
            Map<String, Object> meta = metadata(cfg, dir, options);
            return train(exp, registry, dir, meta, options, false);
        }
    }

    /** Continues an interrupted or killed run from its last checkpoint. */
    public static Trainer.Result resume(ExperimentConfig cfg, PluginRegistry registry, RunDirectory dir,
            Options options) {
        if (!Files.exists(dir.checkpoint())) {
            throw new IllegalArgumentException("no checkpoint in " + dir.path() + ": nothing to resume");
        }
        applyThreads(cfg.training().threads());
        try (Experiment exp = Experiment.build(cfg, registry, null)) {
            options.onCreated().accept(dir);
            Map<String, Object> meta = readMetadata(dir);
            meta.put("resumed", ((Number) meta.getOrDefault("resumed", 0)).intValue() + 1);
            return train(exp, registry, dir, meta, options, true);
        }
    }

    private static RunDirectory fixed(Path runDir) {
        try {
            Files.createDirectories(runDir.resolve("plots"));
            Files.createDirectories(runDir.resolve("checkpoints"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + runDir, e);
        }
        return new RunDirectory(runDir);
    }

    private static Trainer.Result train(Experiment exp, PluginRegistry registry, RunDirectory dir,
            Map<String, Object> meta, Options options, boolean resumed) {
        ExperimentConfig cfg = exp.config();
        meta.put("status", RunStatus.RUNNING.label());
        AtomicFiles.writeJson(dir.metadata(), meta);
        List<RunLogger> loggers = new ArrayList<>();
        Trainer.Result result;
        try {
            Trainer loop = new Trainer(exp, dir, listeners(exp, loggers, options));
            loggers.add(new MetricsCsv(dir.metrics(), loop.columns()));
            loggers.addAll(pluginLoggers(cfg, registry, exp, dir));
            RunInfo info = new RunInfo(cfg.name(), dir.id(), dir.path(), cfg.toMap(), options.group(), resumed);
            for (RunLogger l : loggers) {
                l.start(info);
            }
            LOG.info("run directory: {}", dir.path());
            Startup.mark("setup");
            result = loop.run(resumed);
        } catch (RuntimeException e) {
            LOG.error("the run failed: {}", e.toString(), e);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("status", RunStatus.FAILED.label());
            summary.put("message", String.valueOf(e.getMessage()));
            result = new Trainer.Result(RunStatus.FAILED, summary);
        }
        AtomicFiles.writeJson(dir.summary(), result.summary());
        for (RunLogger l : loggers) {
            try {
                l.finish(result.status(), result.summary());
                l.close();
            } catch (RuntimeException e) {
                LOG.warn("logger {} failed to finish: {}", l.getClass().getSimpleName(), e.toString());
            }
        }
        meta.put("status", result.status().label());
        meta.put("ended", OffsetDateTime.now().toString());
        if (result.summary().containsKey("message")) {
            meta.put("message", result.summary().get("message"));
        }
        AtomicFiles.writeJson(dir.metadata(), meta);
        return result;
    }

    /**
     * The listeners of a run, in the order they act on each step: the limits that may make it the last, the
     * evaluation, the metric row, the plots, the progress bar, the checkpoint, the summary.
     */
    static List<TrainingListener> listeners(Experiment exp, List<RunLogger> loggers, Options options) {
        ExperimentConfig cfg = exp.config();
        TrainingConfig t = cfg.training();
        List<TrainingListener> l = new ArrayList<>(List.of(Limits.stopRequest(options.stop()),
                Limits.timeLimit(t.maxSeconds()), Limits.divergence(t.maxNonfinite()), new Pretrain()));
        if (LearningRateSchedule.configured(t)) {
            l.add(new LearningRateSchedule(t, exp.objective().players().stream().map(p -> p.name()).toList()));
        }
        // one evaluator for the figures, the raw figures and the calibration: it holds the held-out set's true
        // log-density and the fitted importance-sampling proposal
        Evaluator evaluator = new Evaluator(exp.dataset(), cfg.logging().grid());
        // the passes between steps may use more engine threads than the steps (the same numbers)
        UnaryOperator<TrainingListener> wide = inner -> options.evaluationThreads().around(inner, t.threads());
        List<TrainingListener> evaluated = new ArrayList<>(List.of(wide.apply(new Evaluation(exp, evaluator)),
                new MetricRows(cfg.logging().every(), loggers)));
        if (cfg.logging().plots()) {
            evaluated.add(wide.apply(new DensityPlots(exp, loggers)));
        }
        if (t.ema() != null) {
            Ema ema = new Ema(t.ema(), exp.energy().parameters());
            // the raw parameters' figures beside the average's, before it is adopted
            l.add(wide.apply(Evaluation.raw(exp, evaluator)));
            l.add(ema);
            int every = cfg.logging().every();
            evaluated.replaceAll(inner -> ema.around(inner, e -> e.step() % every == 0 || e.evaluate()));
        }
        if (t.calibrateLogZ()) {
            l.add(wide.apply(new CalibrateLogZ(exp, evaluator)));
        }
        l.addAll(evaluated);
        l.add(options.progress());
        l.add(new Checkpoints(t.checkpointEvery()));
        l.add(new RunSummary());
        return l;
    }

    private static List<RunLogger> pluginLoggers(ExperimentConfig cfg, PluginRegistry registry, Experiment exp,
            RunDirectory dir) {
        List<RunLogger> out = new ArrayList<>();
        for (Map.Entry<String, PluginSpec> e : cfg.loggers().entrySet()) {
            Plugin<?, ?> p = registry.find(PluginKind.LOGGER, e.getKey());
            RunLogger logger = (RunLogger) p.createUnchecked(e.getValue().config(), exp.context(dir.path()));
            if (logger != RunLogger.NONE) {
                out.add(logger);
            }
        }
        return out;
    }

    static void applyThreads(int threads) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    static Map<String, Object> metadata(ExperimentConfig cfg, RunDirectory dir, Options options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", cfg.name());
        m.put("id", dir.id());
        m.put("status", RunStatus.RUNNING.label());
        m.put("seed", cfg.seed());
        m.put("group", options.group());
        m.put("started", OffsetDateTime.now().toString());
        m.put("command", options.commandLine());
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("ncelab", version());
        versions.put("java", System.getProperty("java.version"));
        versions.put("djl", Engine.getDjlVersion());
        Engine engine = Engine.getInstance();
        versions.put("engine", engine.getEngineName() + " " + engine.getVersion());
        m.put("versions", versions);
        m.put("git_commit", gitCommit());
        m.put("host", hostName());
        return m;
    }

    static String version() {
        String v = Run.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readMetadata(RunDirectory dir) {
        try {
            return AtomicFiles.JSON.readValue(dir.metadata().toFile(), LinkedHashMap.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + dir.metadata(), e);
        }
    }

    /** The commit the code was built from: the launcher passes it; else ask git; else "unknown". */
    static String gitCommit() {
        String env = System.getenv("NCELAB_GIT_COMMIT");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            if (p.waitFor(3, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            p.destroyForcibly();
        } catch (IOException e) {
            // no git on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }

    static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
