package dev.ncelab.plugins.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ncelab.core.run.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * What a page shows of one run, read from its directory (README "What a run writes"): {@code config.yaml},
 * {@code metadata.json}, {@code summary.json}, {@code metrics.csv} and {@code plots/epoch_NNN.png}. Files a
 * run has not written yet (a running run has no summary) are simply empty.
 */
public record RunData(Path dir, Map<String, Object> metadata, Map<String, Object> summary, String configText,
        Map<String, Object> config, Metrics metrics, List<Path> plots) {

    /** Whether the directory looks like a run directory. */
    public static boolean isRunDir(Path dir) {
        return Files.isRegularFile(dir.resolve("config.yaml"))
                && (Files.exists(dir.resolve("metrics.csv")) || Files.exists(dir.resolve("metadata.json")));
    }

    public static RunData read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ReportException(dir + " is not a directory; name a run directory (results/<name>/<run>) or a "
                    + "sweep directory (results/sweeps/<name>/<timestamp>)");
        }
        if (!isRunDir(dir)) {
            throw new ReportException(dir + " is not a run directory (it needs config.yaml and metrics.csv or "
                    + "metadata.json); name results/<name>/<run>");
        }
        String configText = text(dir.resolve("config.yaml"));
        return new RunData(dir, json(dir.resolve("metadata.json")), json(dir.resolve("summary.json")), configText,
                yaml(dir.resolve("config.yaml"), configText), Metrics.read(dir.resolve("metrics.csv")),
                plots(dir.resolve("plots")));
    }

    static boolean isEpochPlot(Path p) {
        return p.getFileName().toString().matches("epoch_\\d+\\.png");
    }

    /** The epoch number of {@code epoch_012.png}. */
    static int epochOf(Path p) {
        String n = p.getFileName().toString();
        return Integer.parseInt(n.substring("epoch_".length(), n.length() - ".png".length()));
    }

    private static List<Path> plots(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(RunData::isEpochPlot).sorted((a, b) -> Integer.compare(epochOf(a), epochOf(b))).toList();
        } catch (IOException e) {
            throw new ReportException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReportException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            Object v = AtomicFiles.JSON.readValue(file.toFile(), Object.class);
            if (v instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
            throw new ReportException(file + ": expected a JSON object, found " + (v == null ? "null"
                    : v.getClass().getSimpleName()) + "; restore the file the run wrote");
        } catch (JsonProcessingException e) {
            throw new ReportException(file + ":" + e.getLocation().getLineNr() + ": not valid JSON ("
                    + e.getOriginalMessage() + "); restore the file the run wrote", e);
        } catch (IOException e) {
            throw new ReportException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file, String text) {
        try {
            Object v = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        } catch (YAMLException e) {
            throw new ReportException(file + ": not valid YAML (" + e.getMessage().lines().findFirst().orElse("")
                    + "); restore the file the run wrote", e);
        }
    }

    /** The experiment's name: metadata, else config, else the parent directory's name. */
    public String name() {
        Object n = metadata.getOrDefault("name", config.get("name"));
        return n != null ? n.toString() : dir.toAbsolutePath().getParent().getFileName().toString();
    }

    public String id() {
        return dir.toAbsolutePath().normalize().getFileName().toString();
    }

    public String status() {
        Object s = metadata.getOrDefault("status", summary.get("status"));
        return s == null ? "unknown" : s.toString();
    }

    /** The config as {@code a.b.c -> value} (lists and scalars shown as YAML flow text). */
    public Map<String, String> flatConfig() {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", config, out);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        map.forEach((k, v) -> {
            String key = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
            if (v instanceof Map<?, ?> m && !m.isEmpty()) {
                flatten(key, m, out);
            } else {
                out.put(key, v == null ? "null" : v.toString());
            }
        });
    }
}
