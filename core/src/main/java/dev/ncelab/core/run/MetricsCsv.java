package dev.ncelab.core.run;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * {@code metrics.csv} (RFC 4180, written and read with Commons CSV, so a cell holding a comma, a quote or a line
 * break is quoted): a fixed header, then one row per logged step, each appended with one write so a kill leaves
 * at most the current row unfinished (a resumed run truncates back to its checkpoint).
 */
public final class MetricsCsv implements RunLogger {
    /** Comma-separated, quoted only where needed, {@code \n} after each row. */
    static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator("\n").build();

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
            AtomicFiles.writeString(file, row(columns));
        }
    }

    @Override
    public void log(long step, Map<String, Object> metrics) {
        List<String> cells = new ArrayList<>(columns.size());
        for (String c : columns) {
            cells.add(format(metrics.get(c)));
        }
        try {
            Files.writeString(file, row(cells), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to " + file, e);
        }
    }

    /** One CSV row with its line end. */
    static String row(List<String> cells) {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, FORMAT)) {
            p.printRecord(cells);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
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

    /**
     * Keeps the header and the complete rows whose step (the {@code step} column, else the first) is at most
     * {@code lastStep} (a resumed run's checkpoint); a torn last row is dropped.
     */
    public static void truncateAfter(Path file, long lastStep) {
        List<List<String>> kept = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(r, FORMAT)) {
            Iterator<CSVRecord> it = parser.iterator();
            if (!it.hasNext()) {
                return;
            }
            List<String> header = it.next().toList();
            kept.add(header);
            int stepColumn = Math.max(0, header.indexOf("step"));
            while (true) {
                CSVRecord rec;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    rec = it.next();
                } catch (UncheckedIOException e) {
                    break; // a torn last row (an unclosed quote): dropped
                }
                if (rec.size() != header.size()) {
                    continue; // a torn row
                }
                try {
                    if (Long.parseLong(rec.get(stepColumn).trim()) <= lastStep) {
                        kept.add(rec.toList());
                    }
                } catch (NumberFormatException e) {
                    // not a row of ours: dropped
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        StringBuilder sb = new StringBuilder();
        kept.forEach(cells -> sb.append(row(cells)));
        AtomicFiles.writeString(file, sb.toString());
    }

    @Override
    public void finish(RunStatus status, Map<String, Object> summary) {}
}
