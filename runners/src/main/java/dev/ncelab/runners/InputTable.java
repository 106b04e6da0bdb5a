package dev.ncelab.runners;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Rows given to {@code impute} or {@code score}: a CSV with a header naming exactly the run's columns (in any
 * order), numbers in file units, and (for imputation) blank, {@code NA} or {@code ?} cells for missing values.
 * Problems are collected (up to 20) and reported as {@code file:line} with the fix.
 */
final class InputTable {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final int MAX_ERRORS = 20;

    /** Bad input rows: exit code 2. */
    static final class InputException extends RuntimeException {
        InputException(String message) {
            super(message);
        }
    }

    /** Rows in the run's column order, file units, NaN where a cell is missing; the line of each row. */
    record Rows(double[][] values, long[] lines) {}

    private InputTable() {}

    static Rows read(Path file, UsedRun.Columns columns, boolean allowMissing) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(file + ": file not found (resolved to " + file.toAbsolutePath() + ")");
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(columns.separator()).setIgnoreEmptyLines(true)
                .setTrim(true).build();
        List<String> errors = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(reader, format)) {
            var it = parser.iterator();
            if (!it.hasNext()) {
                throw new InputException(file + ":1: the file is empty: expected a header row naming the columns "
                        + String.join(", ", columns.names()) + " and rows of numbers");
            }
            CSVRecord header = it.next();
            List<String> names = new ArrayList<>();
            for (String h : header) {
                names.add(h.startsWith("\uFEFF") ? h.substring(1).trim() : h);
            }
            if (names.size() == 1 && columns.size() > 1) {
                String other = columns.separator() == ';' ? "," : ";";
                throw new InputException(file + ":1: the header is a single cell '" + names.get(0) + "': cells must"
                        + " be separated by '" + columns.separator() + "' like the run's data"
                        + (names.get(0).contains(other) ? " (this file seems to use '" + other + "')" : ""));
            }
            Set<String> missing = new LinkedHashSet<>(columns.names());
            missing.removeAll(names);
            Set<String> extra = new LinkedHashSet<>(names);
            extra.removeAll(columns.names());
            if (!missing.isEmpty() || !extra.isEmpty()) {
                throw new InputException(file + ":1: the columns do not match the run's"
                        + (missing.isEmpty() ? "" : "; missing: " + String.join(", ", missing)
                                + (allowMissing ? " (add them with blank cells to have them imputed)" : ""))
                        + (extra.isEmpty() ? "" : "; extra: " + String.join(", ", extra))
                        + "; the run's columns are: " + String.join(", ", columns.names()));
            }
            int[] position = new int[columns.size()];
            for (int j = 0; j < position.length; j++) {
                position[j] = names.indexOf(columns.names().get(j));
            }
            while (it.hasNext()) {
                CSVRecord r = it.next();
                long line = parser.getCurrentLineNumber();
                if (r.size() != names.size()) {
                    add(errors, file + ":" + line + ": row has " + r.size() + " cells, expected " + names.size()
                            + " like the header: fix or delete the row");
                    continue;
                }
                double[] row = new double[columns.size()];
                for (int j = 0; j < row.length; j++) {
                    String cell = r.get(position[j]);
                    String col = "column '" + columns.names().get(j) + "'";
                    if (cell.isEmpty() || cell.equals("NA") || cell.equals("?")) {
                        row[j] = Double.NaN;
                        if (!allowMissing) {
                            add(errors, file + ":" + line + ": " + col + " is missing: every cell is needed here"
                                    + " (impute it first with ncelab impute)");
                        }
                    } else if (!NUMBER.matcher(cell).matches()) {
                        add(errors, file + ":" + line + ": " + col + ": '" + cell + "' is not a number"
                                + (cell.matches("[+-]?\\d+,\\d+") ? " (decimal comma: write " + cell.replace(',', '.')
                                        + ")" : ""));
                    } else {
                        row[j] = Double.parseDouble(cell);
                    }
                }
                rows.add(row);
                lines.add(line);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new InputException(file + ": cannot be read: " + e.getMessage());
        }
        if (!errors.isEmpty()) {
            throw new InputException(String.join("\n", errors));
        }
        if (rows.isEmpty()) {
            throw new InputException(file + ": no rows after the header");
        }
        return new Rows(rows.toArray(double[][]::new), lines.stream().mapToLong(Long::longValue).toArray());
    }

    private static void add(List<String> errors, String e) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(e);
        } else if (errors.size() == MAX_ERRORS) {
            errors.add("... more problems not shown");
        }
    }

    /**
     * Warnings for values far outside the training range: beyond the range's width past its minimum or maximum.
     * They are still used.
     */
    static List<String> rangeWarnings(Path file, Rows rows, UsedRun.Columns c) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rows.values().length; i++) {
            for (int j = 0; j < c.size(); j++) {
                double v = rows.values()[i][j];
                double width = c.max()[j] - c.min()[j];
                if (!Double.isNaN(v) && (v < c.min()[j] - width || v > c.max()[j] + width)) {
                    out.add(String.format("warning: %s:%d: column '%s' = %s is far outside the training range"
                            + " [%s, %s]; scored anyway, but the model knows nothing there", file, rows.lines()[i],
                            c.names().get(j), fmt(v), fmt(c.min()[j]), fmt(c.max()[j])));
                }
            }
        }
        return out;
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return Long.toString((long) v);
        }
        return String.format(java.util.Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+($|e)", "$1$2")
                .replaceAll("\\.($|e)", "$1");
    }
}
