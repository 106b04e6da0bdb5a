package dev.ncelab.plugins.wandb;

import dev.ncelab.core.run.AtomicFiles;
import dev.ncelab.core.run.RunInfo;
import dev.ncelab.core.run.RunLogger;
import dev.ncelab.core.run.RunStatus;
import dev.ncelab.plugins.wandb.WandbConfig.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The W&B run logger. The training thread only builds a row and offers it to a bounded queue: when the queue is
 * full the row is dropped and counted, never waited for. A writer thread turns rows into history lines
 * ({@code _step}, {@code _runtime}, {@code _timestamp} plus the metrics), appends them to
 * {@code <run>/wandb/history.jsonl}, keeps the summary and copies density plots into {@code wandb/media/}; a
 * sender thread ({@link Uploader}) streams the file to the server. So a slow or dead server costs nothing
 * during training; {@link #finish} waits for the upload at most the finish timeout, then gives up and says how to
 * finish it with {@code ncelab wandb-sync}. Offline mode runs the writer only.
 *
 * <p>Metrics of one step are one history line. A line is complete when a later step (or the finish) arrives, so
 * that a density plot of the same step ({@link #artifact}) lands in it; at most one plot per key and epoch.
 */
public final class WandbLogger implements RunLogger {
    private static final Logger LOG = LogManager.getLogger(WandbLogger.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How often the end of a run shows how far the upload got. */
    static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The least time the end of a run gives the writer to complete the local wandb/ files. */
    static final long LOCAL_FINISH_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final WandbSettings settings;
    private final Tuning tuning;
    private final BlockingQueue<Object> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final CountDownLatch writerDone = new CountDownLatch(1);

    // the training thread's
    private Row pending;
    private final Map<String, Object> mediaTags = new HashMap<>();
    private long startNanos;
    private boolean started;
    private boolean finished;
    private RunInfo info;
    private Thread writer;

    // set by the writer
    private volatile Uploader uploader;
    private volatile Thread sender;
    private volatile WandbClient client;
    private volatile RunState state;
    private volatile boolean localFailed;

    /** One step's metrics (and plots) on their way to the writer. */
    private static final class Row {
        final long step;
        final double timestamp;
        final long elapsedNanos;
        final Map<String, Object> metrics = new LinkedHashMap<>();
        final Map<String, Path> media = new LinkedHashMap<>();

        Row(long step, double timestamp, long elapsedNanos) {
            this.step = step;
            this.timestamp = timestamp;
            this.elapsedNanos = elapsedNanos;
        }
    }

    /** The end of the run, queued after the last row. */
    private record End(RunStatus status, Map<String, Object> summary) {}

    public WandbLogger(WandbSettings settings, Tuning tuning) {
        this.settings = settings;
        this.tuning = tuning;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, tuning.queueCapacity()));
    }

    @Override
    public void start(RunInfo info) {
        if (started) {
            return;
        }
        this.info = info;
        this.started = true;
        this.startNanos = System.nanoTime();
        writer = new Thread(this::writerLoop, "wandb-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void log(long step, Map<String, Object> metrics) {
        if (!started || finished || metrics == null) {
            return;
        }
        Row row = rowFor(step);
        if (row != null) {
            row.metrics.putAll(metrics);
        }
    }

    @Override
    public void artifact(long step, String key, Path file) {
        if (!started || finished || file == null || key == null) {
            return;
        }
        Object epoch = pending != null && pending.step == step ? pending.metrics.get("epoch") : null;
        Object tag = epoch != null ? "epoch " + epoch : "step " + step;
        if (Objects.equals(mediaTags.get(key), tag)) {
            return; // at most one plot per key and epoch
        }
        Row row = rowFor(step);
        if (row != null) {
            mediaTags.put(key, tag);
            row.media.put(key, file);
        }
    }

    /** The row of {@code step}: the pending one, or a new one after queueing the pending; null for an old step. */
    private Row rowFor(long step) {
        if (pending != null && pending.step == step) {
            return pending;
        }
        if (pending != null && step < pending.step) {
            LOG.debug("W&B: step {} arrived after step {}: not logged (W&B steps only increase)", step, pending.step);
            return null;
        }
        if (pending != null) {
            enqueue(pending);
        }
        pending = new Row(step, System.currentTimeMillis() / 1000.0, System.nanoTime() - startNanos);
        return pending;
    }

    private void enqueue(Row row) {
        if (!queue.offer(row)) {
            if (dropped.incrementAndGet() == 1) {
                LOG.warn("W&B: the upload queue is full ({} rows): rows are dropped and counted rather than "
                        + "slowing training", tuning.queueCapacity());
            }
        }
    }

    @Override
    public void finish(RunStatus status, Map<String, Object> summary) {
        if (!started || finished) {
            return;
        }
        finished = true;
        // the local files get at least LOCAL_FINISH (a short finish_timeout is about the server, not the disk)
        long deadline = System.nanoTime() + Math.max(tuning.finishTimeout().toNanos(), LOCAL_FINISH_NANOS);
        try {
            if (pending != null && !queue.offer(pending, left(deadline), TimeUnit.NANOSECONDS)) {
                dropped.incrementAndGet();
            }
            pending = null;
            Map<String, Object> copy = summary == null ? Map.of() : new LinkedHashMap<>(summary);
            if (!queue.offer(new End(status, copy), left(deadline), TimeUnit.NANOSECONDS)
                    || !writerDone.await(left(deadline), TimeUnit.NANOSECONDS)) {
                LOG.warn("W&B: the local wandb/ files of {} could not be completed within {} s", info.directory(),
                        TimeUnit.NANOSECONDS.toSeconds(Math.max(tuning.finishTimeout().toNanos(), LOCAL_FINISH_NANOS)));
                stopAll();
                return;
            }
            Uploader u = uploader;
            if (u == null) {
                if (!localFailed && settings.mode() == Mode.OFFLINE) {
                    LOG.info("W&B (offline): {} history lines in {}; upload them with './ncelab wandb-sync {}'",
                            state == null ? 0 : state.historyLines(), info.directory().resolve("wandb"),
                            info.directory());
                }
                return;
            }
            if (!awaitUpload(u)) {
                u.stop();
                u.awaitDone(TimeUnit.SECONDS.toNanos(2));
                RunState s = state;
                LOG.warn("W&B: no upload request has succeeded for {} s; the run ends without waiting longer ({} of "
                        + "{} history lines accepted{}). Finish the upload with: ./ncelab wandb-sync {}",
                        tuning.finishTimeout().toSeconds(), s.historyAccepted(), s.historyLines(),
                        u.runUrl() == null ? ", the run was not created on the server yet" : "", info.directory());
            } else if (u.outcome() == Uploader.Outcome.COMPLETED) {
                LOG.info("W&B run finished: {}", u.runUrl());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopAll();
        }
    }

    /**
     * Waits for the upload while the server makes progress: gives up (false) only when no request has succeeded
     * for the finish timeout, counted from the end of training or the last success, whichever is later. Shows a
     * progress line every couple of seconds meanwhile.
     */
    private boolean awaitUpload(Uploader u) throws InterruptedException {
        long timeout = tuning.finishTimeout().toNanos();
        long every = Math.min(PROGRESS_EVERY_NANOS, timeout);
        long since = System.nanoTime();
        while (!u.awaitDone(every)) {
            long now = System.nanoTime();
            long last = client == null ? since : Math.max(since, client.lastSuccessNanos());
            if (now - last >= timeout) {
                return false;
            }
            RunState s = state;
            LOG.info("W&B: uploading the end of the run: {} of {} history lines accepted, last answer {} s ago "
                    + "(gives up after {} s without one)", s.historyAccepted(), s.historyLines(),
                    String.format(java.util.Locale.ROOT, "%.1f", (now - last) / 1e9), tuning.finishTimeout().toSeconds());
        }
        return true;
    }

    private static long left(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    @Override
    public void close() {
        stopAll();
    }

    private void stopAll() {
        Uploader u = uploader;
        if (u != null) {
            u.stop();
        }
        Thread w = writer;
        if (w != null && writerDone.getCount() > 0) {
            w.interrupt();
        }
        Thread s = sender;
        try {
            if (s != null) {
                s.join(2000);
            }
            if (w != null) {
                w.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        WandbClient c = client;
        if (c != null) {
            c.close();
        }
    }

    /** Rows dropped because the queue was full. */
    long dropped() {
        return dropped.get();
    }

    // ---- the writer thread ----

    private void writerLoop() {
        Writer w;
        try {
            if (!tuning.writerStartDelay().isZero()) {
                Thread.sleep(tuning.writerStartDelay().toMillis());
            }
            w = new Writer(info.directory().resolve("wandb"));
        } catch (InterruptedException e) {
            writerDone.countDown();
            return;
        } catch (IOException | RuntimeException e) {
            localFailed = true;
            LOG.warn("W&B: cannot write {} ({}): nothing is logged to W&B for this run",
                    info.directory().resolve("wandb"), e.toString());
            discardUntilEnd();
            return;
        }
        try {
            List<Object> batch = new ArrayList<>();
            while (true) {
                batch.clear();
                batch.add(queue.take());
                queue.drainTo(batch);
                if (w.write(batch)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            localFailed = true;
            LOG.warn("W&B: writing {} failed ({}): W&B logging stops for this run",
                    info.directory().resolve("wandb"), e.toString());
            Uploader u = uploader;
            if (u != null) {
                u.stop();
            }
        } finally {
            w.closeQuietly();
            writerDone.countDown();
        }
    }

    private void discardUntilEnd() {
        try {
            while (!(queue.take() instanceof End)) {
                // the rows have nowhere to go
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writerDone.countDown();
        }
    }

    /** The writer's state: the history file, the summary, the last step and the runtime offset. */
    private final class Writer {
        private final Path dir;
        private final HistoryFile history;
        private final Summary summary;
        private final double runtimeOffset;
        private long lines;
        private long bytes;
        private long lastStep;
        private boolean tooLongWarned;
        private boolean mediaWarned;

        Writer(Path dir) throws IOException {
            this.dir = dir;
            Files.createDirectories(dir);
            RunState old = RunState.load(dir);
            boolean resume = info.resumed() && old != null && old.runId() != null;
            Path historyPath = dir.resolve(HistoryFile.FILE);
            if (!resume) {
                Files.deleteIfExists(historyPath);
                Files.deleteIfExists(dir.resolve("summary.json"));
                deleteTree(dir.resolve("media"));
            }
            HistoryFile.Scan scan = HistoryFile.scan(historyPath);
            this.history = new HistoryFile(historyPath, scan.bytes());
            this.summary = scan.summary();
            this.lines = scan.lines();
            this.bytes = scan.bytes();
            this.lastStep = scan.lastStep() == null ? Long.MIN_VALUE : scan.lastStep();
            this.runtimeOffset = scan.lastRuntime() == null ? 0 : scan.lastRuntime();

            RunState s = resume ? old : new RunState(dir.resolve(RunState.FILE));
            String runId = settings.runId() != null ? settings.runId()
                    : resume ? old.runId() : randomId();
            String entity = resume && old.entity() != null ? old.entity() : settings.entity();
            String project = resume && old.project() != null ? old.project() : settings.project();
            if (resume && (!settings.baseUrl().equals(old.baseUrl()) || !runId.equals(old.runId()))) {
                s.resetAcceptance();
            }
            String group = settings.group() != null ? settings.group() : info.group();
            s.identity(runId, entity, project, settings.baseUrl(), settings.mode().name().toLowerCase(java.util.Locale.ROOT),
                    settings.displayName(), group);
            String sweep = settings.sweepId() != null ? settings.sweepId() : resume ? old.sweepId() : null;
            s.sweepId(sweep);
            s.written(lines, 0);
            s.running(); // a resumed run is not finished any more
            s.save();
            state = s;

            if (settings.mode() == Mode.ONLINE) {
                Map<String, Object> meta = readMetadata(info.directory());
                Uploader.RunSpec spec = new Uploader.RunSpec(runId, entity, project, settings.displayName(), group,
                        settings.notes(), settings.tags(), settings.jobType(), string(meta.get("git_commit")),
                        string(meta.get("host")), ConfigEncoding.encode(info.config()), sweep);
                WandbClient c = new WandbClient(settings.baseUrl(), settings.apiKey(), tuning,
                        settings.graphqlHeaders());
                client = c;
                Uploader u = new Uploader(c, dir, s, tuning, spec, settings.appUrl(), lines, resume,
                        "; the files in " + dir + " keep everything: './ncelab wandb-sync " + info.directory()
                                + "' uploads it later");
                u.linesCommitted(lines, bytes);
                if (!summary.isEmpty()) {
                    u.summary(summary.json());
                }
                uploader = u;
                Thread t = new Thread(u, "wandb-sender");
                t.setDaemon(true);
                sender = t;
                t.start();
            }
        }

        /** Writes a batch of rows (and maybe the end); true when the run has ended. */
        boolean write(List<Object> batch) throws IOException {
            List<String> out = new ArrayList<>();
            List<String> media = new ArrayList<>();
            End end = null;
            for (Object e : batch) {
                if (e instanceof Row row) {
                    String line = line(row, media);
                    if (line != null) {
                        out.add(line);
                    }
                } else if (e instanceof End x) {
                    end = x;
                }
            }
            if (!out.isEmpty()) {
                bytes = history.append(out);
                lines += out.size();
            }
            state.written(lines, dropped.get());
            Uploader u = uploader;
            if (end != null) {
                summary.addFinal(end.summary());
                String json = summary.json();
                AtomicFiles.writeString(dir.resolve("summary.json"), json + "\n");
                history.force();
                state.exitCode(end.status().exitCode());
                state.save();
                if (u != null) {
                    u.update(lines, bytes, json, media);
                    u.end(end.status().exitCode());
                }
                return true;
            }
            if (u != null && (!out.isEmpty() || !media.isEmpty())) {
                u.update(lines, bytes, summary.json(), media);
            }
            return false;
        }

        /** The history line of a row, or null when it cannot be one (an old step, too long). */
        private String line(Row row, List<String> media) {
            if (row.step <= lastStep) {
                LOG.debug("W&B: step {} is not after step {}: not logged", row.step, lastStep);
                return null;
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("_step", row.step);
            line.put("_runtime", runtimeOffset + row.elapsedNanos / 1e9);
            line.put("_timestamp", row.timestamp);
            row.metrics.forEach((k, v) -> {
                if (v != null && !k.startsWith("_")) {
                    line.put(k, Json.plain(v));
                }
            });
            List<String> added = new ArrayList<>();
            row.media.forEach((key, file) -> {
                try {
                    MediaFile m = MediaFile.store(file, key, row.step, dir);
                    line.put(key, m.reference());
                    added.add(m.path());
                } catch (IOException | RuntimeException e) {
                    if (!mediaWarned) {
                        mediaWarned = true;
                        LOG.warn("W&B: cannot store the plot {} ({}); it is left out", file, e.toString());
                    }
                }
            });
            String json = Json.write(line);
            if (json.getBytes(StandardCharsets.UTF_8).length > Tuning.MAX_LINE_BYTES) {
                if (!tooLongWarned) {
                    tooLongWarned = true;
                    LOG.warn("W&B: the line of step {} is longer than W&B takes: left out", row.step);
                }
                return null;
            }
            lastStep = row.step;
            summary.addLine(line);
            media.addAll(added);
            return json;
        }

        void closeQuietly() {
            try {
                history.close();
            } catch (IOException e) {
                // nothing to lose: every write was complete
            }
        }
    }

    static String randomId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readMetadata(Path runDir) {
        Path f = runDir.resolve("metadata.json");
        try {
            if (Files.isRegularFile(f)) {
                return Json.MAPPER.readValue(f.toFile(), LinkedHashMap.class);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("W&B: cannot read {}: {}", f, e.toString());
        }
        return Map.of();
    }

    static String string(Object v) {
        return v == null || String.valueOf(v).isBlank() || "unknown".equals(v) ? null : String.valueOf(v);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
