package dev.ncelab.runners.sweep;

import dev.ncelab.runners.EngineLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker processes of a sweep. A worker is a JVM of its own (the PyTorch engine allows one gradient
 * collector per JVM, so points run in processes, not threads) that trains points one after the other ({@link
 * PointWorker}): {@code <java.home>/bin/java -Xmx2g -XX:+UseSerialGC [CDS archive] -Dai.djl.offline=true
 * -Dncelab.cores=<cores / workers> -cp <this class path> dev.ncelab.runners.sweep.PointWorker <main>}. Each
 * point is the command line a lone run would have: {@code [--plugins DIR]... run <experiment> <overrides>
 * <point overrides> --group <sweep> --run-dir <dir> --quiet}. {@code NCELAB_WORKER_JAVA_OPTS} replaces the default JVM options ({@code -Xmx2g -XX:+UseSerialGC});
 * the launcher's class-data archive ({@code -XX:SharedArchiveFile}) and Guice settings are passed on.
 */
final class JvmWorker implements WorkerCommand {
    static final String MAIN = "dev.ncelab.runners.Main";
    static final List<String> DEFAULT_OPTIONS = List.of("-Xmx2g", "-XX:+UseSerialGC");

    private final String mainClass;
    private final List<String> javaOptions;
    private final List<Path> pluginDirs;
    private final SweepPlan plan;
    private final int cores;

    /**
     * @param cores the cores each worker may use ({@code -Dncelab.cores}: its evaluations' engine threads, {@link
     *     dev.ncelab.runners.EngineLoader#evaluationThreads})
     */
    JvmWorker(String mainClass, List<Path> pluginDirs, SweepPlan plan, int cores) {
        this(mainClass, options(System.getenv("NCELAB_WORKER_JAVA_OPTS")), pluginDirs, plan, cores);
    }

    JvmWorker(String mainClass, List<String> javaOptions, List<Path> pluginDirs, SweepPlan plan) {
        this(mainClass, javaOptions, pluginDirs, plan, 0);
    }

    private JvmWorker(String mainClass, List<String> javaOptions, List<Path> pluginDirs, SweepPlan plan, int cores) {
        this.mainClass = mainClass;
        this.javaOptions = List.copyOf(javaOptions);
        this.pluginDirs = List.copyOf(pluginDirs);
        this.plan = plan;
        this.cores = cores;
    }

    static List<String> options(String env) {
        List<String> out = new ArrayList<>(env == null || env.isBlank() ? DEFAULT_OPTIONS
                : List.of(env.trim().split("\\s+")));
        boolean ownArchive = out.stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile") || o.startsWith("-Xshare"));
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-Dguice_") || !ownArchive && (a.startsWith("-XX:SharedArchiveFile=")
                    || a.startsWith("-Xlog:cds"))) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public List<String> workerArgv() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(javaOptions);
        cmd.add("-Dai.djl.offline=true");
        if (cores > 0) {
            cmd.add("-D" + EngineLoader.CORES + "=" + cores);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PointWorker.class.getName());
        cmd.add(mainClass);
        return cmd;
    }

    @Override
    public List<String> argv(SweepPoint point, Path runDir) {
        List<String> cmd = new ArrayList<>();
        for (Path d : pluginDirs) {
            cmd.add("--plugins");
            cmd.add(d.toAbsolutePath().toString());
        }
        cmd.add("run");
        cmd.add(plan.experiment().toString());
        cmd.addAll(plan.overrides());
        cmd.addAll(point.overrides());
        cmd.add("--group");
        cmd.add(plan.name());
        cmd.add("--run-dir");
        cmd.add(runDir.toAbsolutePath().toString());
        cmd.add("--quiet");
        return cmd;
    }
}
