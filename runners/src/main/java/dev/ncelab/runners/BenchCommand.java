package dev.ncelab.runners;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.experiment.ExperimentConfig;
import dev.ncelab.core.experiment.ExperimentLoader;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.run.Startup;
import dev.ncelab.core.train.Run;
import dev.ncelab.core.train.StepEvent;
import dev.ncelab.core.train.Trainer;
import dev.ncelab.core.train.listen.Progress;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ncelab bench FILE [key=value ...]}: trains like {@code run} (into a scratch output directory unless
 * {@code output=} is given) and prints one JSON line of timings: ms per step (median, p10, p90, and apart for
 * energy and noise steps), seconds from JVM start to the first step, and the resident set size over the run.
 */
@Command(name = "bench", description = "Time the training steps of an experiment; print one JSON line.")
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--warmup", description = "steps left out of the statistics (default ${DEFAULT-VALUE})")
    int warmup = 50;

    @Option(names = "--rss-every", description = "steps between RSS readings (default ${DEFAULT-VALUE})")
    int rssEvery = 1000;

    @Override
    public Integer call() throws IOException {
        Startup.mark("main"); // already marked when Main.main started this JVM
        List<String> all = new ArrayList<>();
        all.add("output=" + Files.createTempDirectory("ncelab-bench"));
        all.addAll(overrides);
        ExperimentConfig cfg;
        PluginRegistry registry = PluginLoader.registry(main.pluginDirs);
        try {
            cfg = new ExperimentLoader(registry).bind(ExperimentLoader.read(file, all),
                    file.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Startup.mark("config");
        EngineLoader.prepare(cfg.training().threads());
        Timing timing = new Timing(rssEvery);
        Trainer.Result result = Run.start(cfg, registry, new Run.Options(all, null, List.of("bench"), timing,
                new AtomicBoolean(), d -> { }, EngineLoader.evaluationThreads(cfg.training().threads())));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", cfg.name());
        out.put("threads", cfg.training().threads());
        out.put("batch", cfg.training().batch());
        out.put("status", result.status().label());
        out.put("steps", timing.count);
        out.putAll(stats("ms", timing.all, timing.count, warmup));
        out.putAll(stats("cpu_ms", timing.cpu, timing.count, warmup));
        out.putAll(stats("energy_ms", timing.energy, timing.energyCount, 0));
        out.putAll(stats("noise_ms", timing.noise, timing.noiseCount, 0));
        out.put("first_step_s", timing.firstStepSeconds);
        Map<String, Object> startup = startup();
        // CPU seconds to the end of the first step: a lower bound of the launch time on an idle machine, since
        // the wall-clock phases stretch when other work shares the cores
        startup.put("main_thread_cpu_s", timing.mainCpuSeconds);
        startup.put("process_cpu_s", timing.processCpuSeconds);
        out.put("startup", startup);
        out.put("rss_mb", timing.rss.subList(0, timing.rssCount));
        out.put("peak_rss_mb", timing.rss.subList(0, timing.rssCount).stream().mapToDouble(d -> d).max().orElse(0));
        result.summary().forEach(out::putIfAbsent); // the objective's metrics and the truth metrics
        System.out.println(new ObjectMapper().writeValueAsString(out));
        return result.status().exitCode();
    }

    /**
     * The phases from launch to the end of the first step, in seconds: {@code launcher_s} (the {@code ncelab}
     * script, from {@code -Dncelab.launched}, its start in epoch seconds, to the JVM's start), then {@link
     * Startup}'s phases from the JVM's start, and {@code total_s} from the launch (or the JVM's start).
     */
    static Map<String, Object> startup() {
        Map<String, Object> m = new LinkedHashMap<>();
        long jvm = ManagementFactory.getRuntimeMXBean().getStartTime();
        Double launched = launchedMillis(System.getProperty("ncelab.launched"));
        if (launched != null) {
            m.put("launcher_s", round((jvm - launched) / 1000.0));
        }
        Map<String, Double> phases = Startup.phases(jvm);
        m.put("jvm_s", phases.getOrDefault("main_s", 0.0));
        phases.remove("main_s");
        m.putAll(phases);
        m.put("total_s", round(phases.values().stream().mapToDouble(d -> d).sum() + (Double) m.get("jvm_s")
                + (launched != null ? (Double) m.get("launcher_s") : 0)));
        return m;
    }

    /** The launcher's start, from bash's {@code $EPOCHREALTIME} (seconds, a decimal point or comma). */
    static Double launchedMillis(String epochSeconds) {
        if (epochSeconds == null || epochSeconds.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(epochSeconds.trim().replace(',', '.')) * 1000;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Map<String, Object> stats(String prefix, double[] values, int count, int skip) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (count - skip <= 0) {
            return m;
        }
        double[] v = Arrays.copyOfRange(values, skip, count);
        Arrays.sort(v);
        m.put(prefix + "_median", round(v[v.length / 2]));
        m.put(prefix + "_p10", round(v[v.length / 10]));
        m.put(prefix + "_p90", round(v[v.length * 9 / 10]));
        return m;
    }

    static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    /** Times the gap between consecutive steps, by who trained, and samples the RSS. */
    static final class Timing implements Progress {
        private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        final int rssEvery;
        double[] all = new double[1024];
        /** The training thread's CPU time per step: less sensitive than wall time to other work on the machine. */
        double[] cpu = new double[1024];
        double[] energy = new double[1024];
        double[] noise = new double[1024];
        int count;
        int energyCount;
        int noiseCount;
        double firstStepSeconds = Double.NaN;
        /** CPU time up to the end of the first step: of this (the training) thread, and of the whole process. */
        double mainCpuSeconds = Double.NaN;
        double processCpuSeconds = Double.NaN;
        final List<Double> rss = new ArrayList<>();
        int rssCount;
        long last;
        long lastCpu;

        Timing(int rssEvery) {
            this.rssEvery = rssEvery;
        }

        @Override
        public void start(long totalSteps, long firstStep) {
            last = System.nanoTime();
            lastCpu = THREADS.getCurrentThreadCpuTime();
        }

        @Override
        public void step(StepEvent e) {
            long step = e.step();
            String trained = e.learner();
            long now = System.nanoTime();
            double ms = (now - last) / 1e6;
            last = now;
            long cpuNow = THREADS.getCurrentThreadCpuTime();
            cpu = add(cpu, count, (cpuNow - lastCpu) / 1e6);
            lastCpu = cpuNow;
            if (Double.isNaN(firstStepSeconds)) {
                Startup.mark("first_step");
                mainCpuSeconds = round(java.lang.management.ManagementFactory.getThreadMXBean()
                        .getCurrentThreadCpuTime() / 1e9);
                processCpuSeconds = processCpuSeconds();
                firstStepSeconds = round((System.currentTimeMillis()
                        - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0);
            }
            all = add(all, count++, ms);
            if (trained.equals("energy")) {
                energy = add(energy, energyCount++, ms);
            } else {
                noise = add(noise, noiseCount++, ms);
            }
            if (step % rssEvery == 0) {
                rss.add(rssMb());
                rssCount = rss.size();
            }
        }

        static double[] add(double[] a, int i, double v) {
            double[] b = i < a.length ? a : Arrays.copyOf(a, a.length * 2);
            b[i] = v;
            return b;
        }

        /** The process's user and system CPU seconds (Linux; 10 ms ticks), NaN elsewhere. */
        static double processCpuSeconds() {
            try {
                String stat = Files.readString(Path.of("/proc/self/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return round((Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0); // utime, stime (fields 14, 15)
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        static double rssMb() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // not Linux: no RSS figure
            }
            return Double.NaN;
        }
    }
}
