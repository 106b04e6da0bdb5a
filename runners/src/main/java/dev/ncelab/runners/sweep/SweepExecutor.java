package dev.ncelab.runners.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Runs points in at most N warm worker processes ({@link PointWorker}), each point into {@code <sweep
 * dir>/runs/<index>} with its output in {@code runs/<index>.log}; a worker's own output (a native crash report)
 * goes to {@code workers/<k>.log}. A worker trains the points it is given one after the other, so each point
 * after its first skips the JVM's start-up.
 *
 * <p>A point that fails (its run failed, or it threw) is recorded and its worker goes on. A worker that dies
 * (a native crash, out of memory, killed) fails the point it was running; the next point starts in a fresh
 * worker. Points run at once only while their {@code training.threads} add up to at most the number of cores
 * (a point always runs when nothing else does), so two workers on two cores never oversubscribe them.
 *
 * <p>{@link #requestStop} (Ctrl-C) stops handing out points, asks each busy worker to stop (SIGTERM: the point
 * checkpoints and writes its summary), waits, and kills what is left after {@link #KILL_AFTER_MS}; unfinished
 * points are then {@code interrupted}, unstarted ones stay {@code pending}.
 */
final class SweepExecutor {
    /**
     * After a signal the workers may have had it too (Ctrl-C reaches the terminal's whole process group, scancel
     * the whole job): give them this long to stop on their own before sending SIGTERM, which would be their
     * second signal (and {@code run} exits at once on a second one).
     */
    static final long SIGNAL_GRACE_MS = 5_000;
    static final long KILL_AFTER_MS = 60_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkerCommand command;
    private final Path sweepDir;
    private final int workers;
    private final ProgressLine progress;
    private final ToIntFunction<SweepPoint> threads;
    private final int cores;
    private final int pointsPerWorker;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Worker> alive = new CopyOnWriteArrayList<>();
    private final Deque<Worker> idle = new ArrayDeque<>();
    private int started;
    private volatile long stopRequestedAt = -1;
    private volatile long termAt = Long.MAX_VALUE;
    private volatile long killAt = Long.MAX_VALUE;
    private boolean termSent;

    /** A point on a worker. */
    private record Running(SweepPoint point, long startNanos) {}

    /** What a worker's reader thread reports: a point's end, then (once) the process's end. */
    private record Event(Worker worker, Integer index, int code) {
        boolean exited() {
            return index == null;
        }
    }

    /** One worker process, its point (null while idle) and how many points it has done. */
    private final class Worker {
        final int id;
        final Process process;
        final PrintStream in;
        final Path log;
        volatile Running current;
        int done;

        Worker(int id, Process process, Path log) {
            this.id = id;
            this.process = process;
            this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            this.log = log;
        }

        /** Copies the worker's output to its log, turning protocol lines into events; then reports the exit. */
        void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
                 OutputStream file = Files.newOutputStream(log, StandardOpenOption.CREATE,
                         StandardOpenOption.APPEND);
                 PrintStream out = new PrintStream(file, true, StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    int at = line.indexOf(PointWorker.DONE);
                    if (at >= 0) {
                        String[] f = line.substring(at + PointWorker.DONE.length()).trim().split(" ");
                        if (at > 0) {
                            out.println(line.substring(0, at));
                        }
                        events.add(new Event(this, Integer.parseInt(f[0]), Integer.parseInt(f[1])));
                    } else {
                        out.println(line);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the worker's output is gone; its exit is reported below
            }
            int code;
            try {
                code = process.waitFor();
            } catch (InterruptedException e) {
                code = -1;
            }
            events.add(new Event(this, null, code));
        }
    }

    SweepExecutor(WorkerCommand command, Path sweepDir, int workers, ProgressLine progress) {
        this(command, sweepDir, workers, progress, p -> 1, Runtime.getRuntime().availableProcessors(),
                Integer.MAX_VALUE);
    }

    /**
     * @param threads each point's {@code training.threads}
     * @param cores how many threads may train at once
     * @param pointsPerWorker points a worker trains before it is replaced (1: a fresh JVM per point)
     */
    SweepExecutor(WorkerCommand command, Path sweepDir, int workers, ProgressLine progress,
            ToIntFunction<SweepPoint> threads, int cores, int pointsPerWorker) {
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be >= 1, found " + workers);
        }
        if (pointsPerWorker < 1) {
            throw new IllegalArgumentException("--points-per-worker must be >= 1, found " + pointsPerWorker);
        }
        this.command = command;
        this.sweepDir = sweepDir;
        this.workers = workers;
        this.progress = progress;
        this.threads = threads;
        this.cores = Math.max(1, cores);
        this.pointsPerWorker = pointsPerWorker;
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
        // ended points are passed on after the next points are launched, so that a worker does not wait while the
        // sweep writes its jobs.csv and report page
        List<JobResult> ended = new ArrayList<>();
        Thread hook = new Thread(this::destroyAll, "sweep-workers-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            while (!todo.isEmpty() || busy() > 0) {
                while (!stopRequested() && !todo.isEmpty() && fits(todo.peek())) {
                    SweepPoint p = todo.poll();
                    JobResult started = launch(p);
                    if (started.over()) {
                        results.put(p.index(), started);
                        progress.finished(started, 0, busy());
                    }
                    onChange.accept(started);
                    progress.tick(busy());
                }
                ended.forEach(onChange);
                ended.clear();
                if (stopRequested()) {
                    retireIdle();
                }
                if (busy() == 0 && (stopRequested() || todo.isEmpty())) {
                    break;
                }
                Event event;
                try {
                    event = events.poll(250, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    requestStop(0);
                    requestStop(0);
                    event = null;
                }
                escalate();
                if (event != null) {
                    JobResult r = handle(event);
                    if (r != null) {
                        results.put(r.point().index(), r);
                        ended.add(r);
                    }
                }
                progress.tick(busy());
            }
            ended.forEach(onChange);
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

    private int busy() {
        return (int) alive.stream().filter(w -> w.current != null).count();
    }

    /** Whether a point may start now: a worker slot is free and the cores are not taken. */
    private boolean fits(SweepPoint p) {
        int used = 0;
        int running = 0;
        for (Worker w : alive) {
            if (w.current != null) {
                used += threads.applyAsInt(w.current.point());
                running++;
            }
        }
        return running < workers && (running == 0 || used + threads.applyAsInt(p) <= cores);
    }

    /** A point's end or a worker's: the point's result, or null when nothing ended. */
    private JobResult handle(Event e) {
        Worker w = e.worker();
        Running job = w.current;
        if (!e.exited()) {
            if (job == null || job.point().index() != e.index()) {
                return null; // not the point it was given: ignore
            }
            w.current = null;
            w.done++;
            if (w.done >= pointsPerWorker || stopRequested()) {
                w.in.close(); // the worker exits when its input ends
            } else {
                idle.add(w);
            }
            return ended(job, e.code(), null);
        }
        alive.remove(w);
        idle.remove(w);
        w.in.close();
        if (job == null) {
            return null;
        }
        w.current = null;
        return ended(job, e.code(), w);
    }

    private JobResult ended(Running job, int code, Worker died) {
        JobResult r = finish(job.point(), code, died);
        double wall = (System.nanoTime() - job.startNanos()) / 1e9;
        progress.finished(r, wall, busy());
        return r;
    }

    private JobResult launch(SweepPoint p) {
        Path dir = runDir(sweepDir, p);
        Path log = log(sweepDir, p);
        try {
            Files.createDirectories(dir.getParent());
            Worker w = idle.poll();
            while (w != null && !w.process.isAlive()) {
                w = idle.poll(); // died while idle (its exit event removes it)
            }
            if (w == null) {
                w = startWorker();
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("index", p.index());
            line.put("log", log.toAbsolutePath().toString());
            line.put("args", command.argv(p, dir));
            w.current = new Running(p, System.nanoTime());
            w.in.println(JSON.writeValueAsString(line));
            return new JobResult(p, JobResult.RUNNING, Map.of(), "", null);
        } catch (IOException | RuntimeException e) {
            return new JobResult(p, JobResult.FAILED, Map.of(), "cannot start the worker: " + e.getMessage(), null);
        }
    }

    private Worker startWorker() throws IOException {
        int id = ++started;
        Path log = sweepDir.resolve("workers").resolve(id + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command.workerArgv());
        pb.redirectErrorStream(true);
        pb.environment().putIfAbsent("GOMP_SPINCOUNT", "1000");
        Process process = pb.start();
        Worker w = new Worker(id, process, log);
        alive.add(w);
        Thread reader = new Thread(w::read, "sweep-worker-" + id);
        reader.setDaemon(true);
        reader.start();
        return w;
    }

    private JobResult finish(SweepPoint p, int code, Worker died) {
        JobResult r = JobResult.read(p, runDir(sweepDir, p));
        String logLine = JobResult.lastLine(log(sweepDir, p));
        if (died != null) {
            String workerLine = JobResult.lastLine(died.log); // a native crash reports there
            logLine = workerLine.isEmpty() ? logLine : workerLine;
            note(p, "ncelab sweep: the worker process died (exit " + code + ") while it ran this point; its output: "
                    + sweepDir.relativize(died.log));
        }
        if (r.over()) {
            String message = r.bad() && r.message().isBlank() ? logLine : r.message();
            return r.with(r.status(), message, code);
        }
        // no summary: the worker crashed, was killed, or the point's configuration was rejected
        boolean stopped = stopRequested() || code == 130;
        String message = stopped ? "stopped before it wrote a summary"
                : (died != null ? "worker died (exit " + code + ")" : "exit " + code)
                + (logLine.isEmpty() ? ", no summary.json" : ": " + logLine);
        return r.with(stopped ? JobResult.INTERRUPTED : JobResult.FAILED, message, code);
    }

    private void note(SweepPoint p, String text) {
        try {
            Files.writeString(log(sweepDir, p), text + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void retireIdle() {
        for (Worker w; (w = idle.poll()) != null; ) {
            w.in.close();
        }
    }

    private void escalate() {
        if (!stopRequested()) {
            return;
        }
        long now = System.nanoTime();
        if (!termSent && now - termAt >= 0) {
            termSent = true;
            alive.stream().filter(w -> w.current != null).forEach(w -> w.process.destroy());
        }
        if (now - killAt >= 0) {
            alive.forEach(w -> w.process.destroyForcibly());
        }
    }

    private void destroyAll() {
        List<Worker> all = new ArrayList<>(alive);
        for (Worker w : all) {
            w.in.close();
            if (w.current != null && w.process.isAlive()) {
                w.process.destroy();
            }
        }
        for (Worker w : all) {
            try {
                if (!w.process.waitFor(10, TimeUnit.SECONDS)) {
                    w.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                w.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
