package dev.ncelab.runners.sweep;

import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.plugin.Plugins;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code ncelab sweep SWEEP.yaml}: expands a W&B-format sweep file into points and trains them in N warm worker
 * processes ({@link PointWorker}: each point is what {@code ncelab run ... --run-dir <sweep dir>/runs/<index>}
 * would do, one after the other in one JVM), into {@code
 * results/sweeps/<name>/<yyyyMMdd-HHmmss>/} with {@code sweep.yaml}, {@code jobs.csv}, the ranked table and
 * {@code report.html}. Resumable ({@code --resume}), shardable for job arrays ({@code --shard i/n} then {@code
 * --collect}). Exit codes: 0 every point finished, 1 some failed or diverged, 2 bad input, 130 interrupted.
 */
@Command(name = "sweep", sortOptions = false, description = {
        "Run a sweep (W&B sweep format: method grid|random, metric, parameters) over an experiment in warm worker "
                + "processes (each trains points one after the other).",
        "Writes results/sweeps/<name>/<timestamp>/: sweep.yaml (the points), jobs.csv, runs/<index>/, report.html."})
public final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SWEEP", description = "the sweep YAML file")
    Path file;

    @Option(names = "--workers", paramLabel = "N", description = "worker processes at once (default: ${DEFAULT-VALUE}"
            + ", the number of cores, at most 4); points run together only while their training.threads fit the "
            + "cores")
    int workers = defaultWorkers();

    @Option(names = "--resume", paramLabel = "DIR", description = "continue a sweep directory: keep finished and "
            + "diverged points, rerun failed, interrupted and missing ones")
    Path resume;

    @Option(names = "--shard", paramLabel = "i/n", description = "run only the points whose index mod n is i (job "
            + "arrays); needs --output or --resume naming the shared sweep directory")
    String shard;

    @Option(names = "--points-per-worker", paramLabel = "N", description = "points a worker process trains one "
            + "after the other before a fresh one takes over (default: no limit; 1: a new JVM per point)")
    int pointsPerWorker = Integer.MAX_VALUE;

    @Option(names = "--dry-run", description = "print the points and the worker command, train nothing")
    boolean dryRun;

    @Option(names = "--collect", paramLabel = "DIR", description = "combine a sweep directory's finished runs (e.g. "
            + "after shards): jobs.csv, the table and report.html")
    Path collect;

    @Option(names = "--output", paramLabel = "DIR", description = "the sweep directory (default results/sweeps/<name>/"
            + "<timestamp>); an existing one is resumed")
    Path output;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    /** The worker's main class: tests put a fake one here. */
    @Option(names = "--worker-main", hidden = true)
    String workerMain = JvmWorker.MAIN;

    /** Redraw a progress line in place (a terminal); tests turn it off. */
    @Option(names = "--progress", hidden = true, arity = "1")
    Boolean progress;

    static int defaultWorkers() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    @Override
    public Integer call() {
        try {
            return execute();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (Plugins.PluginLoadException | UncheckedIOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    /** The parent command's {@code --plugins} directories (read through picocli: Main's field is not public). */
    List<Path> pluginDirs() {
        CommandSpec parent = spec == null ? null : spec.parent();
        OptionSpec option = parent == null ? null : parent.findOption("--plugins");
        List<Path> dirs = option == null ? null : option.getValue();
        return dirs == null ? List.of() : dirs;
    }

    private int execute() {
        PrintStream out = System.out;
        if (collect != null) {
            if (file != null || resume != null || output != null || shard != null || dryRun) {
                return usage("--collect DIR takes nothing else");
            }
            return collect(collect, out);
        }
        if (file == null && resume == null) {
            return usage("name a sweep file, e.g. ./ncelab sweep experiments/sweep-fce-threshold.yaml (or --resume "
                    + "DIR, --collect DIR)");
        }
        if (resume != null && output != null) {
            return usage("--resume DIR already names the sweep directory; drop --output");
        }
        if (workers < 1) {
            return usage("--workers must be >= 1, found " + workers);
        }
        if (pointsPerWorker < 1) {
            return usage("--points-per-worker must be >= 1, found " + pointsPerWorker);
        }
        Shard slice = shard == null ? Shard.ALL : Shard.parse(shard);
        if (!slice.all() && resume == null && output == null) {
            return usage("--shard needs the sweep directory every shard shares: add --output DIR (the same DIR for "
                    + "each shard), then ncelab sweep --collect DIR");
        }
        SweepPlan fresh = null;
        if (file != null) {
            SweepSpec spec = SweepFile.load(file);
            fresh = SweepPlan.of(spec, SweepExpander.expand(spec));
        }
        Path dir = resume != null ? resume : output != null ? output : defaultDir(fresh.name());
        SweepPlan plan;
        boolean resuming = SweepPlan.exists(dir);
        if (resuming) {
            SweepPlan stored = SweepPlan.read(dir);
            if (fresh != null && !stored.sameWork(fresh)) {
                return usage(dir + " holds a different sweep (" + stored.difference(fresh) + "); choose another "
                        + "--output, or resume it with --resume " + dir + " alone");
            }
            plan = fresh != null ? stored.withMetric(fresh.metric()) : stored;
        } else if (resume != null) {
            return usage(resume + " is not a sweep directory (no " + SweepPlan.FILE + ")");
        } else {
            if (Files.isDirectory(dir) && !empty(dir)) {
                return usage(dir + " exists, is not empty and holds no " + SweepPlan.FILE
                        + "; choose another --output");
            }
            plan = fresh;
        }
        if (!Files.isRegularFile(plan.experiment())) {
            return usage("the experiment " + plan.experiment() + " does not exist");
        }
        List<SweepPoint> mine = slice.select(plan.points());
        Map<Integer, Integer> threads = ExperimentCheck.check(plan, mine.size() > 1000 ? mine.subList(0, 1000) : mine,
                pluginDirs());
        int mostThreads = threads.values().stream().mapToInt(Integer::intValue).max().orElse(1);

        Map<Integer, JobResult> state = new LinkedHashMap<>();
        List<SweepPoint> todo = new ArrayList<>();
        for (SweepPoint p : mine) {
            JobResult r = resuming ? JobResult.read(p, SweepExecutor.runDir(dir, p)) : JobResult.pending(p);
            state.put(p.index(), r);
            if (!r.settled()) {
                todo.add(p);
            }
        }
        int processes = Math.min(workers, Math.max(1, todo.size()));
        int cores = Runtime.getRuntime().availableProcessors();
        WorkerCommand worker = new JvmWorker(workerMain, pluginDirs(), plan, Math.max(1, cores / processes));
        if (dryRun) {
            printDryRun(out, plan, dir, slice, mine, state, resuming, worker);
            return 0;
        }
        try {
            Files.createDirectories(dir.resolve("runs"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sweep directory " + dir + ": " + e.getMessage(), e);
        }
        if (!resuming) {
            plan.write(dir);
        }
        int done = mine.size() - todo.size();
        out.println("sweep " + plan.name() + " (" + plan.method() + "): " + plan.points().size() + " points"
                + (slice.all() ? "" : ", shard " + slice + " has " + mine.size())
                + (resuming ? ", " + done + " already done" : "") + "; running " + todo.size() + " in "
                + processes + " worker" + (processes > 1 ? "s" : ""));
        out.println("sweep directory: " + dir);
        for (SweepPoint p : todo) {
            setAside(dir, p);
            state.put(p.index(), JobResult.pending(p));
        }
        Path jobs = dir.resolve(slice.jobsFile());
        JobsCsv.write(jobs, plan, List.copyOf(state.values()));
        boolean interactive = progress != null ? progress : ProgressLine.terminal();
        ProgressLine line = new ProgressLine(out, interactive, plan.metric() == null ? null : plan.metric().name(),
                todo.size());
        SweepExecutor executor = new SweepExecutor(worker, dir, workers, line,
                p -> threads.getOrDefault(p.index(), mostThreads), cores,
                pointsPerWorker);
        Map<String, SignalHandler> previous = installSignals(executor);
        try {
            executor.run(todo, r -> {
                state.put(r.point().index(), r);
                JobsCsv.write(jobs, plan, List.copyOf(state.values()));
                if (slice.all()) {
                    writePage(dir, plan);
                }
            });
        } finally {
            restoreSignals(previous);
            line.close();
        }
        List<JobResult> rows = List.copyOf(state.values());
        JobsCsv.write(jobs, plan, rows);
        out.println();
        out.print(SweepReport.render(plan, rows));
        out.println("jobs: " + jobs);
        if (slice.all()) {
            Path page = writePage(dir, plan);
            if (page != null) {
                out.println("report: " + page);
            }
        } else {
            out.println("shard " + slice + " done; when every shard is: ncelab sweep --collect " + dir);
        }
        if (executor.stopRequested()) {
            out.println("interrupted; continue with: ncelab sweep --resume " + dir
                    + (slice.all() ? "" : " --shard " + slice));
            return 130;
        }
        long unsettled = rows.stream().filter(r -> !r.settled()).count();
        long diverged = rows.stream().filter(r -> r.status().equals(JobResult.DIVERGED)).count();
        if (diverged > 0) {
            out.println(diverged + " point" + (diverged > 1 ? "s" : "") + " diverged (a result: --resume keeps "
                    + "them; delete runs/<index> to rerun one)");
        }
        if (unsettled > 0) {
            out.println(unsettled + " point" + (unsettled > 1 ? "s" : "") + " failed; rerun "
                    + (unsettled > 1 ? "them" : "it") + " with: ncelab sweep --resume " + dir
                    + (slice.all() ? "" : " --shard " + slice));
        }
        return rows.stream().allMatch(JobResult::finished) ? 0 : 1;
    }

    /** {@code --collect}: jobs.csv, table and page from whatever the run directories hold now. */
    private int collect(Path dir, PrintStream out) {
        if (!SweepPlan.exists(dir)) {
            return usage(dir + " is not a sweep directory (no " + SweepPlan.FILE + ")");
        }
        SweepPlan plan = SweepPlan.read(dir);
        List<JobResult> rows = plan.points().stream()
                .map(p -> JobResult.read(p, SweepExecutor.runDir(dir, p))).toList();
        Path jobs = dir.resolve("jobs.csv");
        JobsCsv.write(jobs, plan, rows);
        out.print(SweepReport.render(plan, rows));
        out.println("jobs: " + jobs);
        Path page = writePage(dir, plan);
        if (page != null) {
            out.println("report: " + page);
        }
        return 0;
    }

    /** The sweep's report.html; a problem with it is reported and never stops the sweep. */
    private static Path writePage(Path dir, SweepPlan plan) {
        try {
            return SweepReport.page(dir, plan);
        } catch (RuntimeException e) {
            System.err.println("warning: could not write " + dir.resolve("report.html") + ": " + e.getMessage());
            return null;
        }
    }

    private void printDryRun(PrintStream out, SweepPlan plan, Path dir, Shard slice, List<SweepPoint> mine,
            Map<Integer, JobResult> state, boolean resuming, WorkerCommand worker) {
        out.println("sweep " + plan.name() + " (" + plan.method() + "): " + plan.points().size() + " points"
                + (slice.all() ? "" : ", shard " + slice + " has " + mine.size())
                + (plan.metric() == null ? "" : ", ranked by " + plan.metric().name() + " ("
                + plan.metric().goal().yaml() + ")"));
        out.println("experiment: " + plan.experiment());
        if (!plan.overrides().isEmpty()) {
            out.println("every point: " + String.join(" ", plan.overrides()));
        }
        out.println("sweep directory: " + dir + (resuming ? " (exists: finished and diverged points are kept)" : ""));
        int w = Integer.toString(plan.points().size()).length();
        for (SweepPoint p : mine) {
            JobResult r = state.get(p.index());
            String status = resuming ? String.format("%-12s", r.settled() ? r.status()
                    : r.status().equals(JobResult.PENDING) ? "new" : "rerun") : "";
            out.println(String.format("  #%-" + w + "d  %s%s", p.index(), status, p.label()));
        }
        if (!mine.isEmpty()) {
            out.println("worker process: " + String.join(" ", worker.workerArgv()));
            out.println("point #" + mine.get(0).index() + " in it: " + String.join(" ",
                    worker.argv(mine.get(0), SweepExecutor.runDir(dir, mine.get(0)))));
        }
    }

    private static Path defaultDir(String name) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path base = Path.of("results", "sweeps", name);
        Path dir = base.resolve(stamp);
        for (int i = 2; Files.exists(dir); i++) {
            dir = base.resolve(stamp + "-" + i);
        }
        return dir;
    }

    private static boolean empty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Moves a point's earlier attempt to {@code runs/<index>.attempt-<k>} (and its log), so the rerun is fresh. */
    static void setAside(Path dir, SweepPoint p) {
        Path run = SweepExecutor.runDir(dir, p);
        Path log = SweepExecutor.log(dir, p);
        if (!Files.exists(run) && !Files.exists(log)) {
            return;
        }
        int k = 1;
        while (Files.exists(run.resolveSibling(p.index() + ".attempt-" + k))
                || Files.exists(run.resolveSibling(p.index() + ".attempt-" + k + ".log"))) {
            k++;
        }
        try {
            if (Files.exists(run)) {
                Files.move(run, run.resolveSibling(p.index() + ".attempt-" + k));
            }
            if (Files.exists(log)) {
                Files.move(log, run.resolveSibling(p.index() + ".attempt-" + k + ".log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the earlier attempt of point #" + p.index() + " aside: "
                    + e.getMessage(), e);
        }
    }

    /** Ctrl-C or SIGTERM: stop launching, ask the workers to stop and wait; a second one kills them. */
    private static Map<String, SignalHandler> installSignals(SweepExecutor executor) {
        Map<String, SignalHandler> previous = new LinkedHashMap<>();
        for (String name : List.of("INT", "TERM")) {
            try {
                previous.put(name, Signal.handle(new Signal(name), s -> {
                    boolean again = executor.stopRequested();
                    executor.requestStop(SweepExecutor.SIGNAL_GRACE_MS);
                    System.err.println(again ? "\nkilling the workers"
                            : "\nstopping: the workers checkpoint and write their summaries (Ctrl-C again kills them)");
                }));
            } catch (IllegalArgumentException e) {
                // the signal is not available on this platform
            }
        }
        return previous;
    }

    private static void restoreSignals(Map<String, SignalHandler> previous) {
        previous.forEach((name, handler) -> {
            try {
                Signal.handle(new Signal(name), handler);
            } catch (IllegalArgumentException e) {
                // not available
            }
        });
    }

    private static int usage(String message) {
        System.err.println("error: " + message);
        return 2;
    }
}
