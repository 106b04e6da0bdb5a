package dev.ncelab.runners.sweep;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What became of one point: its status and the numbers of its run's {@code summary.json}. Statuses are the
 * run's own (finished, failed, diverged, interrupted), {@code running} (started, no summary yet) and {@code
 * pending} (not started).
 *
 * @param figures every number of summary.json, in its order (NaN kept)
 * @param message why it failed, when known
 * @param exitCode the worker's exit code, when this process ran it
 */
record JobResult(SweepPoint point, String status, Map<String, Double> figures, String message, Integer exitCode) {
    static final String FINISHED = "finished";
    static final String DIVERGED = "diverged";
    static final String FAILED = "failed";
    static final String INTERRUPTED = "interrupted";
    static final String RUNNING = "running";
    static final String PENDING = "pending";
    private static final List<String> TERMINAL = List.of(FINISHED, FAILED, DIVERGED, INTERRUPTED);
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    static JobResult pending(SweepPoint p) {
        return new JobResult(p, PENDING, Map.of(), "", null);
    }

    boolean finished() {
        return FINISHED.equals(status);
    }

    /**
     * A result that a resume keeps: finished, or diverged (training is seeded, so a rerun would diverge again;
     * delete {@code runs/<index>} to rerun it anyway).
     */
    boolean settled() {
        return FINISHED.equals(status) || DIVERGED.equals(status);
    }

    /** Finished, failed, diverged or interrupted: the run is over. */
    boolean over() {
        return TERMINAL.contains(status);
    }

    boolean bad() {
        return FAILED.equals(status) || DIVERGED.equals(status);
    }

    double figure(String name) {
        Double v = figures.get(name);
        return v == null ? Double.NaN : v;
    }

    JobResult with(String newStatus, String newMessage, Integer code) {
        return new JobResult(point, newStatus, figures, newMessage, code);
    }

    /** The point's run directory relative to the sweep directory. */
    static String runDir(SweepPoint p) {
        return "runs/" + p.index();
    }

    /** The state of a point as its run directory tells it (summary.json, else metadata.json). */
    @SuppressWarnings("unchecked")
    static JobResult read(SweepPoint point, Path runDir) {
        Path summary = runDir.resolve("summary.json");
        if (Files.isRegularFile(summary)) {
            try {
                Map<String, Object> s = JSON.readValue(summary.toFile(), LinkedHashMap.class);
                Map<String, Double> figures = new LinkedHashMap<>();
                s.forEach((k, v) -> {
                    if (v instanceof Number n) {
                        figures.put(k, n.doubleValue());
                    }
                });
                Object status = s.get("status");
                Object message = s.get("message");
                return new JobResult(point, status == null ? FAILED : status.toString(), figures,
                        message == null ? "" : message.toString(), null);
            } catch (IOException | RuntimeException e) {
                return new JobResult(point, FAILED, Map.of(), "unreadable summary.json: " + e.getMessage(), null);
            }
        }
        Path metadata = runDir.resolve("metadata.json");
        if (Files.isRegularFile(metadata)) {
            try {
                Map<String, Object> m = JSON.readValue(metadata.toFile(), LinkedHashMap.class);
                Object status = m.getOrDefault("status", RUNNING);
                Object message = m.get("message");
                return new JobResult(point, status.toString(), Map.of(), message == null ? "" : message.toString(),
                        null);
            } catch (IOException | RuntimeException e) {
                return new JobResult(point, RUNNING, Map.of(), "", null);
            }
        }
        return Files.isDirectory(runDir) ? new JobResult(point, RUNNING, Map.of(), "", null) : pending(point);
    }

    /** The last non-blank line of a worker's log (its error, usually), shortened. */
    static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                if (!l.isEmpty()) {
                    return l.length() > 200 ? l.substring(0, 197) + "..." : l;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no log
        }
        return "";
    }
}
