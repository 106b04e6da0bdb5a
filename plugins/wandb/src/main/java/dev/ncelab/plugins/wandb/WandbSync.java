package dev.ncelab.plugins.wandb;

import dev.ncelab.core.run.AtomicFiles;
import dev.ncelab.core.run.RunStatus;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code ncelab wandb-sync <run dir>}: uploads a run from its files, for runs logged offline, runs whose upload
 * was cut short (server down, finish timeout, rejected key), and runs made without W&B at all.
 *
 * <p>The history comes from {@code wandb/history.jsonl}; when there is none it is rebuilt from the run's
 * {@code metrics.csv} (one line per row; the {@code step} column is {@code _step}, {@code seconds} gives
 * {@code _runtime}, and {@code metadata.json}'s start time plus that gives {@code _timestamp}), with the density
 * plots of {@code plots/epoch_NNN.png} attached to each epoch's last row, and saved as {@code wandb/history.jsonl}
 * so that later syncs agree with it. The summary is {@code wandb/summary.json}, else the latest history values
 * with the run's {@code summary.json} on top. The config is {@code config.yaml} flattened to dotted keys; the
 * exit code follows {@code metadata.json}'s {@code status} (a run still marked running is uploaded without being
 * marked finished).
 *
 * <p>The run keeps its identity from {@code wandb/state.json} (run id, entity, project); without one, from the
 * {@code logging.wandb} section of {@code config.yaml}, then the {@code WANDB_*} environment. The server is
 * {@code WANDB_BASE_URL}, else the one the run recorded, else the default; the key is {@code WANDB_API_KEY},
 * else netrc. Lines the server has accepted (by {@code state.json}, or by the server's own line count) are not
 * sent again, so a sync can be repeated safely.
 */
public final class WandbSync {
    private static final Logger LOG = LogManager.getLogger(WandbSync.class);

    /** Exit code: uploaded, or nothing was left to upload. */
    public static final int OK = 0;
    /** Exit code: the server rejected the run or could not be reached; what was accepted is recorded. */
    public static final int FAILED = 1;
    /** Exit code: not a run directory, nothing to upload, or no API key. */
    public static final int USAGE = 2;

    private static final Pattern NUMBER = Pattern.compile(
            "[-+]?(NaN|Infinity|(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?)");
    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,18}");
    private static final Pattern EPOCH_PLOT = Pattern.compile("epoch_(\\d+)\\.png");

    private WandbSync() {}

    /**
     * Uploads the run in {@code runDir}, reading settings from {@code env} and netrc under {@code home}; logs
     * what it did and returns {@link #OK}, {@link #FAILED} or {@link #USAGE}.
     */
    public static int sync(Path runDir, Map<String, String> env, Path home) {
        return sync(runDir, env, home, Tuning.forSync());
    }

    /** As {@link #sync(Path, Map, Path)}, with explicit timing (tests). */
    public static int sync(Path runDir, Map<String, String> env, Path home, Tuning tuning) {
        try {
            return run(runDir, env, home, tuning);
        } catch (IOException | RuntimeException e) {
            LOG.error("W&B sync of {} failed: {}", runDir, e.toString());
            return FAILED;
        }
    }

    private static int run(Path runDir, Map<String, String> env, Path home, Tuning tuning) throws IOException {
        if (!Files.isDirectory(runDir)) {
            LOG.error("W&B sync: {} is not a directory (give a run directory such as results/<experiment>/<run>)",
                    runDir);
            return USAGE;
        }
        Path dir = runDir.resolve("wandb");
        Path historyPath = dir.resolve(HistoryFile.FILE);
        RunState old = RunState.load(dir);
        Map<String, Object> config = readYaml(runDir.resolve("config.yaml"));
        Map<String, Object> section = section(config);
        Map<String, Object> meta = WandbLogger.readMetadata(runDir);
        Map<String, Object> runSummary = readJson(runDir.resolve("summary.json"));

        if (!Files.exists(historyPath)) {
            Path csv = runDir.resolve("metrics.csv");
            if (!Files.isRegularFile(csv)) {
                LOG.error("W&B sync: {} has neither wandb/history.jsonl nor metrics.csv: nothing to upload", runDir);
                return USAGE;
            }
            Files.createDirectories(dir);
            int n = rebuild(runDir, csv, dir, meta);
            LOG.info("W&B sync: rebuilt {} history lines from {}", n, csv);
            Files.deleteIfExists(dir.resolve("summary.json"));
        }
        HistoryFile.Scan scan = HistoryFile.scan(historyPath);
        Path summaryFile = dir.resolve("summary.json");
        String summary;
        if (Files.isRegularFile(summaryFile)) {
            summary = Files.readString(summaryFile, StandardCharsets.UTF_8).strip();
        } else {
            Summary s = scan.summary();
            s.addFinal(runSummary);
            summary = s.json();
            AtomicFiles.writeString(summaryFile, summary + "\n");
        }
        Integer exitCode = exitCode(meta, runSummary);

        String baseUrl = WandbSettings.trimmed(env.get("WANDB_BASE_URL")) != null ? WandbSettings.baseUrlFromEnv(env)
                : old != null && old.baseUrl() != null ? old.baseUrl()
                : section.get("base_url") != null && WandbSettings.parseBaseUrl(String.valueOf(section.get("base_url")))
                        != null ? WandbSettings.parseBaseUrl(String.valueOf(section.get("base_url")))
                : WandbSettings.DEFAULT_BASE_URL;
        String key = WandbSettings.keyFor(baseUrl, env, home);
        if (key == null) {
            LOG.error("W&B sync: no API key for {}: set WANDB_API_KEY or add 'machine {}' with the key as password "
                    + "to {} (wandb login writes it)", baseUrl, WandbSettings.machine(baseUrl),
                    WandbSettings.netrcFile(env, home));
            return USAGE;
        }

        boolean sameServer = old != null && baseUrl.equals(old.baseUrl());
        RunState state = old != null ? old : new RunState(dir.resolve(RunState.FILE));
        if (!sameServer) {
            state.resetAcceptance();
        }
        List<String> media = mediaFiles(dir);
        List<String> toUpload = media.stream().filter(p -> !state.isUploaded(p)).toList();
        if (sameServer && state.historyAccepted() >= scan.lines() && state.summaryAccepted() && toUpload.isEmpty()
                && (state.finishAccepted() || exitCode == null)) {
            LOG.info("W&B sync: {} is already uploaded{}", runDir, state.runUrl() == null ? "" : ": " + state.runUrl());
            return OK;
        }

        String runId = old != null && old.runId() != null ? old.runId()
                : WandbSettings.runIdFromEnv(env) != null ? WandbSettings.runIdFromEnv(env) : WandbLogger.randomId();
        String entity = old != null && old.entity() != null ? old.entity()
                : WandbSettings.first(str(section.get("entity")), env.get("WANDB_ENTITY"));
        String project = old != null && old.project() != null ? old.project()
                : WandbSettings.first(str(section.get("project")), env.get("WANDB_PROJECT"),
                        WandbSettings.DEFAULT_PROJECT);
        String name = old != null && old.displayName() != null ? old.displayName()
                : WandbSettings.first(str(section.get("name")), env.get("WANDB_NAME"));
        String group = old != null && old.group() != null ? old.group()
                : WandbSettings.first(str(section.get("group")), env.get("WANDB_RUN_GROUP"), str(meta.get("group")));
        String notes = WandbSettings.first(str(section.get("notes")), env.get("WANDB_NOTES"));
        List<String> tags = section.get("tags") instanceof List<?> l
                ? l.stream().map(String::valueOf).toList() : WandbSettings.tags(env.get("WANDB_TAGS"));
        String sweep = old != null && old.sweepId() != null ? old.sweepId()
                : WandbSettings.trimmed(env.get("WANDB_SWEEP_ID"));
        state.identity(runId, entity, project, baseUrl, "online", name, group);
        state.sweepId(sweep);
        state.written(scan.lines(), state.droppedLines());
        state.exitCode(exitCode);
        state.save(); // the run id is kept before the server is contacted, so a second sync reuses it

        Uploader.RunSpec spec = new Uploader.RunSpec(runId, entity, project, name, group, notes, tags,
                WandbSettings.trimmed(env.get("WANDB_JOB_TYPE")), WandbLogger.string(meta.get("git_commit")),
                WandbLogger.string(meta.get("host")), ConfigEncoding.encode(config), sweep);
        long before = sameServer ? state.historyAccepted() : 0;
        try (WandbClient client = new WandbClient(baseUrl, key, tuning, WandbSettings.graphqlHeaders(env))) {
            Uploader u = new Uploader(client, dir, state, tuning, spec, WandbSettings.appUrl(baseUrl, env),
                    scan.lines(), true, "; run './ncelab wandb-sync " + runDir + "' again to continue");
            u.linesCommitted(scan.lines(), scan.bytes());
            if (sameServer && state.summaryAccepted()) {
                u.summaryAlreadyAccepted(summary);
            } else {
                u.summary(summary);
            }
            toUpload.forEach(u::media);
            u.end(exitCode);
            u.run();
            if (u.outcome() != Uploader.Outcome.COMPLETED) {
                return FAILED;
            }
            long accepted = state.historyAccepted();
            LOG.info("W&B sync: {} -> {}: {} history lines sent ({} were already there), the summary, {} plots; {}",
                    runDir, u.runUrl(), Math.max(0, accepted - Math.max(before, u.firstLine())),
                    Math.max(before, u.firstLine()), toUpload.size(), exitCode == null
                            ? "the run is still marked running, so it is not marked finished"
                            : "marked " + (exitCode == 0 ? "finished" : "failed") + " (exit code " + exitCode + ")");
            return OK;
        }
    }

    /** The exit code W&B gets: from {@code metadata.json} (or the summary's) {@code status}; null when running. */
    static Integer exitCode(Map<String, Object> meta, Map<String, Object> summary) {
        Object status = meta.get("status") != null ? meta.get("status") : summary.get("status");
        if (status == null) {
            return null;
        }
        try {
            RunStatus s = RunStatus.valueOf(String.valueOf(status).toUpperCase(Locale.ROOT));
            return s == RunStatus.RUNNING ? null : s.exitCode();
        } catch (IllegalArgumentException e) {
            return 1;
        }
    }

    // ---- rebuilding history.jsonl from metrics.csv ----

    static int rebuild(Path runDir, Path csv, Path dir, Map<String, Object> meta) throws IOException {
        List<List<String>> rows = csvRows(csv);
        if (rows.isEmpty()) {
            AtomicFiles.writeString(dir.resolve(HistoryFile.FILE), "");
            return 0;
        }
        List<String> header = rows.get(0);
        int stepCol = header.indexOf("step");
        int secondsCol = header.indexOf("seconds");
        int epochCol = header.indexOf("epoch");
        double start = startEpochSeconds(meta, csv);
        List<Map<String, Object>> lines = new ArrayList<>();
        Map<String, Integer> lastOfEpoch = new HashMap<>();
        long lastStep = Long.MIN_VALUE;
        double runtime = 0;
        for (int i = 1; i < rows.size(); i++) {
            List<String> cells = rows.get(i);
            if (cells.size() != header.size()) {
                continue; // a torn row
            }
            long step;
            try {
                step = stepCol >= 0 ? Long.parseLong(cells.get(stepCol).trim()) : lastStep + 1;
            } catch (NumberFormatException e) {
                continue;
            }
            if (step <= lastStep) {
                continue;
            }
            lastStep = step;
            if (secondsCol >= 0 && value(cells.get(secondsCol)) instanceof Number n) {
                runtime = n.doubleValue();
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("_step", step);
            line.put("_runtime", runtime);
            line.put("_timestamp", start + runtime);
            for (int c = 0; c < header.size(); c++) {
                Object v = value(cells.get(c));
                if (v != null && !header.get(c).startsWith("_")) {
                    line.put(header.get(c), v);
                }
            }
            if (epochCol >= 0 && value(cells.get(epochCol)) != null) {
                lastOfEpoch.put(String.valueOf(value(cells.get(epochCol))), lines.size());
            }
            lines.add(line);
        }
        attachPlots(runDir.resolve("plots"), dir, lines, lastOfEpoch);
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> l : lines) {
            sb.append(Json.write(l)).append('\n');
        }
        AtomicFiles.writeString(dir.resolve(HistoryFile.FILE), sb.toString());
        return lines.size();
    }

    /** Puts {@code plots/epoch_NNN.png} on the last row of epoch NNN, as the live logger would have. */
    private static void attachPlots(Path plots, Path dir, List<Map<String, Object>> lines,
            Map<String, Integer> lastOfEpoch) throws IOException {
        if (!Files.isDirectory(plots)) {
            return;
        }
        try (Stream<Path> files = Files.list(plots)) {
            for (Path p : files.sorted().toList()) {
                Matcher m = EPOCH_PLOT.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                Integer index = lastOfEpoch.get(String.valueOf(Long.parseLong(m.group(1))));
                if (index != null) {
                    Map<String, Object> line = lines.get(index);
                    long step = ((Number) line.get("_step")).longValue();
                    line.put("density", MediaFile.store(p, "density", step, dir).reference());
                }
            }
        }
    }

    private static double startEpochSeconds(Map<String, Object> meta, Path csv) throws IOException {
        Object started = meta.get("started");
        if (started != null) {
            try {
                return OffsetDateTime.parse(String.valueOf(started)).toInstant().toEpochMilli() / 1000.0;
            } catch (RuntimeException e) {
                // fall through
            }
        }
        return Files.getLastModifiedTime(csv).toMillis() / 1000.0;
    }

    /** A CSV cell as a JSON value: empty is absent; numbers, booleans, else text. */
    static Object value(String cell) {
        String c = cell.trim();
        if (c.isEmpty()) {
            return null;
        }
        if (c.equals("true") || c.equals("false")) {
            return Boolean.valueOf(c);
        }
        if (INTEGER.matcher(c).matches()) {
            return Long.parseLong(c);
        }
        if (NUMBER.matcher(c).matches()) {
            return Double.parseDouble(c);
        }
        return cell;
    }

    /** The rows of a CSV file (Commons CSV, RFC 4180); a torn last row (an open quote) is left out. */
    static List<List<String>> csvRows(Path csv) throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(r, CSVFormat.RFC4180)) {
            Iterator<CSVRecord> it = parser.iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    out.add(it.next().toList());
                } catch (UncheckedIOException e) {
                    break;
                }
            }
        }
        return out;
    }

    // ---- the run's other files ----

    private static List<String> mediaFiles(Path dir) throws IOException {
        Path media = dir.resolve("media");
        if (!Files.isDirectory(media)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(media)) {
            return walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readYaml(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> config) {
        if (config.get("logging") instanceof Map<?, ?> logging && logging.get("wandb") instanceof Map<?, ?> w) {
            return (Map<String, Object>) w;
        }
        return Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJson(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                return Json.MAPPER.readValue(file.toFile(), LinkedHashMap.class);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("W&B sync: cannot read {}: {}", file, e.toString());
        }
        return Map.of();
    }

    private static String str(Object v) {
        return v == null ? null : String.valueOf(v);
    }
}
