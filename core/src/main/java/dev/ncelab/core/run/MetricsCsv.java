package dev.ncelab.core.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code metrics.csv}: a fixed header, then one row per logged step, each appended with one write so a kill
 * leaves at most the current line unfinished (a resumed run truncates back to its checkpoint).
 */
public final class MetricsCsv implements RunLogger {
    private final Path file;
    private final List<String> columns;

    public MetricsCsv(Path file, List<String> columns) {
        this.file = file;
        this.columns = List.copyOf(columns);
    }

    public List<String> columns() {
        return columns;
    }

    @Override
    public void start(RunInfo info) {
        if (!info.resumed() || !Files.exists(file)) {
            AtomicFiles.writeString(file, String.join(",", columns) + "\n");
        }
    }

    @Override
    public void log(long step, Map<String, Object> metrics) {
        List<String> cells = new ArrayList<>(columns.size());
        for (String c : columns) {
            cells.add(format(metrics.get(c)));
        }
        try {
            Files.writeString(file, String.join(",", cells) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to " + file, e);
        }
    }

    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : d.toString();
        }
        if (v instanceof Float f) {
            return format(f.doubleValue());
        }
        return v.toString();
    }

    /** Keeps the header and the rows whose step is at most {@code lastStep} (a resumed run's checkpoint). */
    public static void truncateAfter(Path file, long lastStep) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (i == 0) {
                    sb.append(line).append('\n');
                    continue;
                }
                String first = line.split(",", 2)[0];
                try {
                    if (Long.parseLong(first) <= lastStep && line.split(",", -1).length == lines.get(0)
                            .split(",", -1).length) {
                        sb.append(line).append('\n');
                    }
                } catch (NumberFormatException e) {
                    // a torn last line: dropped
                }
            }
            AtomicFiles.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    @Override
    public void finish(RunStatus status, Map<String, Object> summary) {}
}
