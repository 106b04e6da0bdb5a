package dev.ncelab.runners.sweep;

import dev.ncelab.core.run.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;

/**
 * {@code jobs.csv}: one row per point, in index order, with the columns {@code index, status}, one per swept
 * parameter, the metric, every other number of the runs' summaries (in their order), {@code run_dir}, {@code
 * overrides} and {@code message}. Written whole (temp file and rename) every time a point finishes, with Commons
 * CSV (RFC 4180: a cell holding a comma, a quote or a line break is quoted).
 */
final class JobsCsv {
    static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator("\n").build();

    private JobsCsv() {}

    static void write(Path file, SweepPlan plan, List<JobResult> rows) {
        AtomicFiles.writeString(file, text(plan, rows));
    }

    static String text(SweepPlan plan, List<JobResult> rows) {
        List<String> figures = figureColumns(plan, rows);
        List<String> header = new ArrayList<>();
        header.add("index");
        header.add("status");
        header.addAll(plan.parameters());
        header.addAll(figures);
        header.add("run_dir");
        header.add("overrides");
        header.add("message");
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        for (JobResult r : rows.stream().sorted(java.util.Comparator.comparingInt(j -> j.point().index())).toList()) {
            List<String> cells = new ArrayList<>();
            cells.add(Integer.toString(r.point().index()));
            cells.add(r.status());
            for (String p : plan.parameters()) {
                Object v = r.point().params().get(p);
                cells.add(v instanceof String s ? s : v == null ? "" : YamlValues.text(v));
            }
            for (String f : figures) {
                Double v = r.figures().get(f);
                cells.add(v == null ? "" : v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) (double) v)
                        : Double.toString(v));
            }
            cells.add(JobResult.runDir(r.point()));
            cells.add(r.point().label());
            cells.add(r.message() == null ? "" : r.message());
            line(sb, cells);
        }
        return sb.toString();
    }

    /** The metric first, then every other number the summaries hold, in first-seen order. */
    static List<String> figureColumns(SweepPlan plan, List<JobResult> rows) {
        Set<String> names = new LinkedHashSet<>();
        if (plan.metric() != null) {
            names.add(plan.metric().name());
        }
        rows.stream().sorted(java.util.Comparator.comparingInt(j -> j.point().index()))
                .forEach(r -> names.addAll(r.figures().keySet()));
        names.removeAll(plan.parameters());
        names.removeAll(List.of("index", "status", "run_dir", "overrides", "message"));
        return List.copyOf(names);
    }

    private static void line(StringBuilder sb, List<String> cells) {
        try {
            FORMAT.printRecord(sb, cells.toArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
        }
    }
}
