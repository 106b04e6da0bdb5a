package dev.ncelab.plugins.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ncelab.plugins.wandb.WandbClient.Bucket;
import dev.ncelab.plugins.wandb.WandbClient.RunFiles;
import dev.ncelab.plugins.wandb.WandbClient.Stopper;
import dev.ncelab.plugins.wandb.WandbException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Sends one run to W&B: UpsertBucket, then file_stream requests that carry the history lines of
 * {@code wandb/history.jsonl} (from the first line the server does not have, with contiguous offsets), the whole
 * summary when it changed, the media uploaded since the last request, a {@code {}} heartbeat when idle, and
 * finally {@code "complete": true} with the exit code. A request that fails is resent unchanged (same offset)
 * until it succeeds, while new lines wait in the file. After each accepted request {@code wandb/state.json}
 * records how far the server got. The live logger runs it on a background thread fed by its writer; {@link
 * WandbSync} runs it on a finished run's files.
 */
final class Uploader implements Runnable {
    private static final Logger LOG = LogManager.getLogger(Uploader.class);

    /** What UpsertBucket needs besides the config. */
    record RunSpec(String runId, String entity, String project, String displayName, String group, String notes,
            List<String> tags, String jobType, String commit, String host, String configJson, String sweepId) {}

    /** How the upload ended. */
    enum Outcome { RUNNING, COMPLETED, REJECTED, GAVE_UP, STOPPED, FAILED }

    private final WandbClient client;
    private final Path wandbDir;
    private final Path history;
    private final RunState state;
    private final Tuning tuning;
    private final RunSpec spec;
    private final String appUrl;
    private final long initialLines;
    private final boolean trustServerCount;
    private final String hint;
    private final Stopper stopper = new Stopper();
    private final CountDownLatch done = new CountDownLatch(1);

    // fed by the writer (guarded by this)
    private long committedLines;
    private long committedBytes;
    private String summaryJson;
    private long summaryVersion;
    private final ArrayDeque<String> mediaPending = new ArrayDeque<>();
    private boolean ended;
    private Integer exitCode;

    // the sender's own
    private long sentLines;
    private long sentBytes;
    private long shift;
    private long summaryAcceptedVersion;
    private final List<String> toNotify = new ArrayList<>();
    private long lastRequestNanos;
    private long nextDataNanos;
    private boolean stopRequestWarned;
    private boolean mediaWarned;
    private String entity;
    private String project;
    private String runName;
    private volatile Outcome outcome = Outcome.RUNNING;
    private volatile String runUrl;
    private volatile long firstLine;

    /**
     * @param initialLines the lines already in the history file when the upload starts
     * @param trustServerCount whether lines on the server are expected (a resumed run, a sync); otherwise the
     *     server's {@code historyLineCount} is still honoured, with a warning
     * @param hint what to tell the user when the upload stops early
     */
    Uploader(WandbClient client, Path wandbDir, RunState state, Tuning tuning, RunSpec spec, String appUrl,
            long initialLines, boolean trustServerCount, String hint) {
        this.client = client;
        this.wandbDir = wandbDir;
        this.history = wandbDir.resolve(HistoryFile.FILE);
        this.state = state;
        this.tuning = tuning;
        this.spec = spec;
        this.appUrl = appUrl;
        this.initialLines = initialLines;
        this.trustServerCount = trustServerCount;
        this.hint = hint;
    }

    // ---- fed by the writer ----

    /** New lines, the summary that includes them, and new media, published together. */
    synchronized void update(long lines, long bytes, String summaryJson, List<String> media) {
        committedLines = lines;
        committedBytes = bytes;
        if (summaryJson != null) {
            this.summaryJson = summaryJson;
            summaryVersion++;
        }
        mediaPending.addAll(media);
        notifyAll();
    }

    synchronized void linesCommitted(long lines, long bytes) {
        committedLines = lines;
        committedBytes = bytes;
        notifyAll();
    }

    synchronized void summary(String json) {
        summaryJson = json;
        summaryVersion++;
        notifyAll();
    }

    /** A summary the server already has (a sync after an accepted summary): not sent again. */
    synchronized void summaryAlreadyAccepted(String json) {
        summary(json);
        summaryAcceptedVersion = summaryVersion;
    }

    synchronized void media(String path) {
        mediaPending.add(path);
        notifyAll();
    }

    /** No more data will come; {@code exitCode} null means: do not mark the run finished. */
    synchronized void end(Integer exitCode) {
        this.exitCode = exitCode;
        this.ended = true;
        notifyAll();
    }

    /** Stops waiting and cancels the request in flight. */
    void stop() {
        stopper.stop();
        synchronized (this) {
            notifyAll();
        }
    }

    boolean awaitDone(long nanos) throws InterruptedException {
        return done.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    Outcome outcome() {
        return outcome;
    }

    String runUrl() {
        return runUrl;
    }

    /** The first history line (server offset) this upload sent: the lines before it were already there. */
    long firstLine() {
        return firstLine;
    }

    // ---- the sender ----

    @Override
    public void run() {
        try {
            connect();
            loop();
        } catch (WandbException e) {
            switch (e.kind()) {
                case REJECTED -> {
                    outcome = Outcome.REJECTED;
                    LOG.error("{}; nothing more is sent for this run{}", e.getMessage(), hint);
                }
                case GAVE_UP -> {
                    outcome = Outcome.GAVE_UP;
                    LOG.warn("{}; nothing more is sent for this run{}", e.getMessage(), hint);
                }
                default -> outcome = Outcome.STOPPED;
            }
        } catch (IOException | RuntimeException e) {
            outcome = Outcome.FAILED;
            LOG.warn("W&B: the upload failed ({}){}", client.redactor().redact(String.valueOf(e)), hint);
        } finally {
            saveQuietly();
            done.countDown();
        }
    }

    private void connect() throws WandbException, IOException {
        // the first UpsertBucket retries as long as the stream would: a run whose server is down when it starts
        // still attaches when the server comes back, and the end of the run decides when to give up
        Bucket b = client.upsertBucket(variables(), stopper, Math.max(tuning.graphqlRetries(), tuning.streamRetries()));
        entity = b.entity() != null ? b.entity() : spec.entity();
        project = b.project() != null ? b.project() : spec.project();
        runName = b.name() != null ? b.name() : spec.runId();
        if (entity == null) {
            throw new WandbException(Kind.REJECTED, 0, "W&B did not say which entity the run belongs to");
        }
        runUrl = appUrl + "/" + entity + "/" + project + "/runs/" + runName;
        state.upserted(b.storageId(), runName, entity, project, b.displayName(), runUrl);
        long accepted = state.historyAccepted();
        Long serverHas = b.historyLineCount();
        long has = accepted;
        if (serverHas != null && serverHas > accepted) {
            // every answer counts, not only a resume's: a reused WANDB_RUN_ID must never overwrite lines from 0
            has = serverHas;
            if (!trustServerCount) {
                LOG.warn("W&B: run {} already has {} history lines on the server (a reused WANDB_RUN_ID?); this "
                        + "run's lines follow them", runName, serverHas);
            }
        }
        if (has <= initialLines) {
            sentLines = has;
            shift = 0;
        } else {
            sentLines = initialLines;
            shift = has - initialLines;
        }
        sentBytes = HistoryFile.offsetOfLine(history, sentLines);
        firstLine = sentLines + shift;
        state.accepted(sentLines + shift, state.summaryAccepted());
        state.save();
        LOG.info("W&B run: {}", runUrl);
        long now = System.nanoTime();
        lastRequestNanos = now;
        nextDataNanos = now;
    }

    private ObjectNode variables() {
        ObjectNode v = Json.object();
        v.putNull("id");
        v.put("name", spec.runId());
        v.put("project", spec.project());
        v.put("entity", spec.entity());
        v.put("groupName", spec.group());
        v.putNull("description");
        v.put("displayName", spec.displayName());
        v.put("notes", spec.notes());
        v.put("commit", spec.commit());
        v.put("config", spec.configJson());
        v.put("host", spec.host());
        v.putNull("debug");
        v.put("program", "ncelab");
        v.putNull("repo");
        v.put("jobType", spec.jobType());
        v.putNull("state");
        v.put("sweep", spec.sweepId()); // attaches the run to its sweep, as the SDK does under 'wandb agent'
        if (spec.tags() == null || spec.tags().isEmpty()) {
            v.putNull("tags");
        } else {
            spec.tags().forEach(v.putArray("tags")::add);
        }
        v.putNull("summaryMetrics");
        return v;
    }

    private void loop() throws WandbException, IOException {
        HttpUrl url = client.fileStreamUrl(entity, project, runName);
        while (true) {
            if (!awaitWork()) {
                throw new WandbException(Kind.STOPPED, 0, "stopped");
            }
            uploadMedia();
            long toBytes;
            long version;
            String summary;
            boolean isEnded;
            Integer code;
            boolean mediaLeft;
            synchronized (this) {
                toBytes = committedBytes;
                version = summaryVersion;
                summary = summaryJson;
                isEnded = ended;
                code = exitCode;
                mediaLeft = !mediaPending.isEmpty();
            }
            HistoryFile.Chunk chunk = HistoryFile.read(history, sentBytes, toBytes, tuning.maxLinesPerRequest(),
                    tuning.maxRequestBytes());
            boolean allLines = chunk.endByte() >= toBytes;
            boolean sendSummary = summary != null && version > summaryAcceptedVersion;
            List<String> notify = List.copyOf(toNotify);
            boolean complete = isEnded && allLines && code != null && !mediaLeft;

            ObjectNode body = Json.object();
            if (!chunk.lines().isEmpty() || sendSummary) {
                ObjectNode files = body.putObject("files");
                if (!chunk.lines().isEmpty()) {
                    ObjectNode h = files.putObject("wandb-history.jsonl");
                    h.put("offset", sentLines + shift);
                    ArrayNode content = h.putArray("content");
                    chunk.lines().forEach(content::add);
                }
                if (sendSummary) {
                    ObjectNode s = files.putObject("wandb-summary.json");
                    s.put("offset", 0);
                    s.putArray("content").add(summary);
                }
            }
            if (!notify.isEmpty()) {
                notify.forEach(body.putArray("uploaded")::add);
            }
            if (complete) {
                body.put("complete", true);
                body.put("exitcode", code);
            }
            if (body.isEmpty()) {
                if (isEnded && allLines && !mediaLeft) {
                    outcome = Outcome.COMPLETED; // a run that has not ended (a sync of a killed run): no exit code
                    return;
                }
                if (System.nanoTime() - lastRequestNanos < tuning.heartbeatInterval().toNanos()) {
                    continue;
                }
            }
            JsonNode reply = client.fileStream(url, body, stopper);
            long now = System.nanoTime();
            lastRequestNanos = now;
            nextDataNanos = now + tuning.transmitInterval().toNanos();
            sentLines += chunk.lines().size();
            sentBytes = chunk.endByte();
            if (sendSummary) {
                summaryAcceptedVersion = version;
            }
            toNotify.removeAll(notify);
            if (reply.path("stopped").asBoolean(false) && !stopRequestWarned) {
                stopRequestWarned = true;
                LOG.warn("W&B: Stop was pressed for run {} in the W&B UI; ncelab does not stop training from W&B, "
                        + "stop it with Ctrl-C", runUrl);
            }
            synchronized (this) {
                state.accepted(sentLines + shift, summaryAcceptedVersion == summaryVersion && summaryJson != null);
            }
            if (complete) {
                state.finished(code, true);
                outcome = Outcome.COMPLETED;
                state.save();
                return;
            }
            state.save();
        }
    }

    /** Waits until there is something to send and the transmit interval allows it, or a heartbeat is due. */
    private synchronized boolean awaitWork() {
        while (true) {
            if (stopper.stopped()) {
                return false;
            }
            long now = System.nanoTime();
            boolean data = committedLines > sentLines || summaryVersion > summaryAcceptedVersion
                    || !mediaPending.isEmpty() || !toNotify.isEmpty();
            if (ended || (data && now - nextDataNanos >= 0)) {
                return true;
            }
            long heartbeatAt = lastRequestNanos + tuning.heartbeatInterval().toNanos();
            if (now - heartbeatAt >= 0) {
                return true;
            }
            long wake = data ? Math.min(nextDataNanos, heartbeatAt) : heartbeatAt;
            try {
                TimeUnit.NANOSECONDS.timedWait(this, Math.max(1_000_000, wake - now));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Uploads media files: CreateRunFiles for upload URLs, then a PUT of each (§4 of the protocol notes). */
    private void uploadMedia() throws WandbException {
        List<String> batch = new ArrayList<>();
        synchronized (this) {
            batch.addAll(mediaPending);
            mediaPending.clear();
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            RunFiles files = client.createRunFiles(entity, project, runName, batch, stopper);
            for (String path : batch) {
                String uploadUrl = files.urls().get(path);
                if (uploadUrl == null) {
                    warnMedia("W&B gave no upload URL for " + path);
                    continue;
                }
                client.upload(uploadUrl, files.headers(), Files.readAllBytes(wandbDir.resolve(path)), stopper);
                state.uploaded(path);
                toNotify.add(path);
            }
        } catch (WandbException e) {
            if (e.kind() == Kind.STOPPED || e.status() == 401 || e.status() == 403) {
                throw e;
            }
            warnMedia(e.getMessage());
        } catch (IOException e) {
            warnMedia("cannot read a media file: " + e.getMessage());
        }
        saveQuietly();
    }

    private void warnMedia(String message) {
        if (!mediaWarned) {
            mediaWarned = true;
            LOG.warn("W&B: a density plot was not uploaded ({}); the metrics still are{}", message, hint);
        } else {
            LOG.debug("W&B: media not uploaded: {}", message);
        }
    }

    private void saveQuietly() {
        try {
            state.save();
        } catch (RuntimeException e) {
            LOG.debug("W&B: cannot write state.json: {}", e.toString());
        }
    }
}
