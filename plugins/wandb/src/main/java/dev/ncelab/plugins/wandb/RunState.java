package dev.ncelab.plugins.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ncelab.core.run.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code <run>/wandb/state.json}: which W&B run this run directory is, and how much of it the server has
 * accepted, so that an interrupted upload can be finished by {@code ncelab wandb-sync} without sending a line
 * twice. Written atomically (temporary file and rename) after every change. It never holds the API key.
 * Two threads (the writer and the sender) update it, so every method is synchronized.
 */
final class RunState {
    static final String FILE = "state.json";

    private final Path file;
    private String runId;
    private String entity;
    private String project;
    private String baseUrl;
    private String mode;
    private String storageId;
    private String displayName;
    private String group;
    private String runUrl;
    private String sweepId;
    private long historyLines;
    private long historyAccepted;
    private boolean summaryAccepted;
    private boolean finishAccepted;
    private Integer exitCode;
    private long droppedLines;
    private final Set<String> uploadedFiles = new LinkedHashSet<>();

    RunState(Path file) {
        this.file = file;
    }

    /** The state in a {@code wandb/} directory, or null when there is none (or it cannot be read). */
    static RunState load(Path wandbDir) {
        Path f = wandbDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonNode n = Json.read(Files.readString(f, StandardCharsets.UTF_8));
            RunState s = new RunState(f);
            s.runId = text(n, "run_id");
            s.entity = text(n, "entity");
            s.project = text(n, "project");
            s.baseUrl = text(n, "base_url");
            s.mode = text(n, "mode");
            s.storageId = text(n, "storage_id");
            s.displayName = text(n, "display_name");
            s.group = text(n, "group");
            s.runUrl = text(n, "run_url");
            s.sweepId = text(n, "sweep_id");
            s.historyLines = n.path("history_lines").asLong(0);
            s.historyAccepted = n.path("history_accepted").asLong(0);
            s.summaryAccepted = n.path("summary_accepted").asBoolean(false);
            s.finishAccepted = n.path("finish_accepted").asBoolean(false);
            s.exitCode = n.hasNonNull("exit_code") ? n.get("exit_code").asInt() : null;
            s.droppedLines = n.path("dropped_lines").asLong(0);
            n.path("uploaded_files").forEach(x -> s.uploadedFiles.add(x.asText()));
            return s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String text(JsonNode n, String key) {
        return n.hasNonNull(key) ? n.get(key).asText() : null;
    }

    synchronized void save() {
        ObjectNode n = Json.object();
        n.put("run_id", runId);
        n.put("entity", entity);
        n.put("project", project);
        n.put("base_url", baseUrl);
        n.put("mode", mode);
        n.put("storage_id", storageId);
        n.put("display_name", displayName);
        n.put("group", group);
        n.put("run_url", runUrl);
        n.put("sweep_id", sweepId);
        n.put("history_lines", historyLines);
        n.put("history_accepted", historyAccepted);
        n.put("summary_accepted", summaryAccepted);
        n.put("finish_accepted", finishAccepted);
        if (exitCode == null) {
            n.putNull("exit_code");
        } else {
            n.put("exit_code", exitCode);
        }
        n.put("dropped_lines", droppedLines);
        ArrayNode files = n.putArray("uploaded_files");
        uploadedFiles.forEach(files::add);
        AtomicFiles.write(file, out -> out.write(
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n)));
    }

    /** Forgets what a server accepted (the run goes to another server, or starts afresh). */
    synchronized void resetAcceptance() {
        storageId = null;
        runUrl = null;
        historyAccepted = 0;
        summaryAccepted = false;
        finishAccepted = false;
        uploadedFiles.clear();
    }

    synchronized void identity(String runId, String entity, String project, String baseUrl, String mode,
            String displayName, String group) {
        this.runId = runId;
        this.entity = entity;
        this.project = project;
        this.baseUrl = baseUrl;
        this.mode = mode;
        this.displayName = displayName;
        this.group = group;
    }

    /** The W&B sweep the run belongs to ({@code WANDB_SWEEP_ID} under {@code wandb agent}), or null. */
    synchronized void sweepId(String sweepId) {
        this.sweepId = sweepId;
    }

    synchronized String sweepId() {
        return sweepId;
    }

    /** What UpsertBucket answered: the storage id and the resolved names. */
    synchronized void upserted(String storageId, String runId, String entity, String project, String displayName,
            String runUrl) {
        this.storageId = storageId;
        this.runId = runId;
        this.entity = entity;
        this.project = project;
        if (displayName != null) {
            this.displayName = displayName;
        }
        this.runUrl = runUrl;
    }

    synchronized void written(long lines, long dropped) {
        this.historyLines = lines;
        this.droppedLines = dropped;
    }

    synchronized void accepted(long lines, boolean summary) {
        this.historyAccepted = lines;
        this.summaryAccepted = summary;
    }

    synchronized void summaryAccepted(boolean accepted) {
        this.summaryAccepted = accepted;
    }

    synchronized void finished(int exitCode, boolean accepted) {
        this.exitCode = exitCode;
        this.finishAccepted = accepted;
    }

    /** The run is (again) under way: no exit code, not finished. */
    synchronized void running() {
        this.exitCode = null;
        this.finishAccepted = false;
    }

    synchronized void exitCode(Integer exitCode) {
        this.exitCode = exitCode;
    }

    synchronized void uploaded(String path) {
        uploadedFiles.add(path);
    }

    synchronized String runId() {
        return runId;
    }

    synchronized String entity() {
        return entity;
    }

    synchronized String project() {
        return project;
    }

    synchronized String baseUrl() {
        return baseUrl;
    }

    synchronized String storageId() {
        return storageId;
    }

    synchronized String displayName() {
        return displayName;
    }

    synchronized String group() {
        return group;
    }

    synchronized String runUrl() {
        return runUrl;
    }

    synchronized long historyLines() {
        return historyLines;
    }

    synchronized long historyAccepted() {
        return historyAccepted;
    }

    synchronized boolean summaryAccepted() {
        return summaryAccepted;
    }

    synchronized boolean finishAccepted() {
        return finishAccepted;
    }

    synchronized Integer exitCode() {
        return exitCode;
    }

    synchronized long droppedLines() {
        return droppedLines;
    }

    synchronized List<String> uploadedFiles() {
        return new ArrayList<>(uploadedFiles);
    }

    synchronized boolean isUploaded(String path) {
        return uploadedFiles.contains(path);
    }
}
