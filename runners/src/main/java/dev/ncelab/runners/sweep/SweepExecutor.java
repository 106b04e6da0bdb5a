package dev.ncelab.runners.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs points in at most N worker processes, each into {@code <sweep dir>/runs/<index>} with its output in
 * {@code runs/<index>.log}. A point that fails does not stop the others. {@link #requestStop} (Ctrl-C) stops
 * launching, asks each worker to stop (SIGTERM: it checkpoints and writes its summary), waits, and kills what
 * is left after {@link #KILL_AFTER_MS}; unfinished points are then {@code interrupted}, unstarted ones stay
 * {@code pending}.
 */
final class SweepExecutor {
    /**
     * After a signal the workers may have had it too (Ctrl-C reaches the terminal's whole process group, scancel
     * the whole job): give them this long to stop on their own before sending SIGTERM, which would be their
     * second signal (and {@code run} exits at once on a second one).
     */
    static final long SIGNAL_GRACE_MS = 5_000;
    static final long KILL_AFTER_MS = 60_000;

    private final WorkerCommand command;
    private final Path sweepDir;
    private final int workers;
    private final ProgressLine progress;
    private final BlockingQueue<Exit> exits = new LinkedBlockingQueue<>();
    private final Map<Integer, Running> running = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long stopRequestedAt = -1;
    private volatile long termAt = Long.MAX_VALUE;
    private volatile long killAt = Long.MAX_VALUE;
    private boolean termSent;

    private record Running(SweepPoint point, Process process, long startNanos) {}

    private record Exit(Running job, int code) {}

    SweepExecutor(WorkerCommand command, Path sweepDir, int workers, ProgressLine progress) {
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be >= 1, found " + workers);
        }
        this.command = command;
        this.sweepDir = sweepDir;
        this.workers = workers;
        this.progress = progress;
    }

    /**
     * Stops the sweep: no new points; workers still running after {@code graceMs} get SIGTERM (they checkpoint
     * and write their summary), those left after {@link #KILL_AFTER_MS} more are killed. A second request
     * kills them now.
     */
    void requestStop(long graceMs) {
        long now = System.nanoTime();
        if (stopRequestedAt >= 0) {
            killAt = now;
            termAt = now;
            return;
        }
        stopRequestedAt = now;
        termAt = now + graceMs * 1_000_000L;
        killAt = termAt + KILL_AFTER_MS * 1_000_000L;
    }

    boolean stopRequested() {
        return stopRequestedAt >= 0;
    }

    static Path runDir(Path sweepDir, SweepPoint p) {
        return sweepDir.resolve("runs").resolve(Integer.toString(p.index()));
    }

    static Path log(Path sweepDir, SweepPoint p) {
        return sweepDir.resolve("runs").resolve(p.index() + ".log");
    }

    /**
     * Runs the points and returns their results in index order; {@code onChange} sees each point when it
     * starts ({@code running}) and when it ends.
     */
    List<JobResult> run(List<SweepPoint> points, Consumer<JobResult> onChange) {
        Deque<SweepPoint> todo = new ArrayDeque<>(points);
        Map<Integer, JobResult> results = new LinkedHashMap<>();
        Thread hook = new Thread(this::destroyAll, "sweep-workers-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            while (!todo.isEmpty() || !running.isEmpty()) {
                while (!stopRequested() && running.size() < workers && !todo.isEmpty()) {
                    SweepPoint p = todo.poll();
                    JobResult started = launch(p);
                    if (started.over()) {
                        results.put(p.index(), started);
                        progress.finished(started, 0, running.size());
                    }
                    onChange.accept(started);
                    progress.tick(running.size());
                }
                if (running.isEmpty()) {
                    break;
                }
                Exit exit;
                try {
                    exit = exits.poll(250, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    requestStop(0);
                    requestStop(0);
                    exit = null;
                }
                escalate();
                if (exit != null) {
                    running.remove(exit.job().point().index());
                    JobResult r = finish(exit);
                    results.put(r.point().index(), r);
                    double wall = (System.nanoTime() - exit.job().startNanos()) / 1e9;
                    progress.finished(r, wall, running.size());
                    onChange.accept(r);
                }
                progress.tick(running.size());
            }
        } finally {
            destroyAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down
            }
        }
        for (SweepPoint p : todo) {
            results.put(p.index(), JobResult.pending(p));
        }
        List<JobResult> out = new ArrayList<>(results.values());
        out.sort(java.util.Comparator.comparingInt(r -> r.point().index()));
        return out;
    }

    private JobResult launch(SweepPoint p) {
        Path dir = runDir(sweepDir, p);
        Path log = log(sweepDir, p);
        try {
            Files.createDirectories(dir.getParent());
            ProcessBuilder pb = new ProcessBuilder(command.argv(p, dir));
            pb.redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            pb.environment().putIfAbsent("GOMP_SPINCOUNT", "1000");
            Process process = pb.start();
            Running job = new Running(p, process, System.nanoTime());
            running.put(p.index(), job);
            process.onExit().thenAccept(done -> exits.add(new Exit(job, done.exitValue())));
            return new JobResult(p, JobResult.RUNNING, Map.of(), "", null);
        } catch (IOException | RuntimeException e) {
            return new JobResult(p, JobResult.FAILED, Map.of(), "cannot start the worker: " + e.getMessage(), null);
        }
    }

    private JobResult finish(Exit exit) {
        SweepPoint p = exit.job().point();
        JobResult r = JobResult.read(p, runDir(sweepDir, p));
        String logLine = JobResult.lastLine(log(sweepDir, p));
        if (r.over()) {
            String message = r.bad() && r.message().isBlank() ? logLine : r.message();
            return r.with(r.status(), message, exit.code());
        }
        // no summary: the worker crashed, was killed, or rejected its configuration
        boolean stopped = stopRequested() || exit.code() == 130;
        String message = stopped ? "stopped before it wrote a summary"
                : "exit " + exit.code() + (logLine.isEmpty() ? ", no summary.json" : ": " + logLine);
        return r.with(stopped ? JobResult.INTERRUPTED : JobResult.FAILED, message, exit.code());
    }

    private void escalate() {
        if (!stopRequested()) {
            return;
        }
        long now = System.nanoTime();
        if (!termSent && now - termAt >= 0) {
            termSent = true;
            running.values().forEach(j -> j.process().destroy());
        }
        if (now - killAt >= 0) {
            running.values().forEach(j -> j.process().destroyForcibly());
        }
    }

    private void destroyAll() {
        List<Running> jobs = new ArrayList<>(running.values());
        for (Running j : jobs) {
            if (j.process().isAlive()) {
                j.process().destroy();
            }
        }
        for (Running j : jobs) {
            try {
                if (!j.process().waitFor(10, TimeUnit.SECONDS)) {
                    j.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                j.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
