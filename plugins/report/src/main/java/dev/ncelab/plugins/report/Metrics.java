package dev.ncelab.plugins.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The columns of a {@code metrics.csv} (read with Commons CSV): numeric columns as arrays with null for empty
 * cells, text columns (such as {@code trained}) as strings. A column is numeric when every non-empty cell is a
 * number; a column mixing numbers and text is an error naming the line. A torn last line (a killed run) is left
 * out.
 */
public record Metrics(List<String> columns, Map<String, Double[]> numbers, Map<String, String[]> texts, int rows) {
    public static final Metrics EMPTY = new Metrics(List.of(), Map.of(), Map.of(), 0);

    public static Metrics read(Path file) {
        if (!Files.exists(file)) {
            return EMPTY;
        }
        List<String> header;
        List<CSVRecord> records = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in)) {
            header = p.getHeaderNames();
            for (CSVRecord r : p) {
                records.add(r);
            }
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw new ReportException(file + ": not a readable CSV file (" + e.getMessage() + "); it should be the "
                    + "metrics.csv a run writes, a header line then one row per logged step", e);
        }
        if (!records.isEmpty() && records.get(records.size() - 1).size() != header.size()) {
            records.remove(records.size() - 1);
        }
        int n = records.size();
        Map<String, Double[]> numbers = new LinkedHashMap<>();
        Map<String, String[]> texts = new LinkedHashMap<>();
        for (int c = 0; c < header.size(); c++) {
            String name = header.get(c);
            Double[] num = new Double[n];
            String[] txt = new String[n];
            long firstNumber = -1;
            long firstText = -1;
            for (int i = 0; i < n; i++) {
                CSVRecord r = records.get(i);
                if (r.size() != header.size()) {
                    throw new ReportException(file + ":" + r.getParser().getCurrentLineNumber() + ": " + r.size()
                            + " cells where the header has " + header.size() + "; repair or delete that line");
                }
                String cell = r.get(c).trim();
                txt[i] = cell.isEmpty() ? null : cell;
                if (cell.isEmpty()) {
                    continue;
                }
                Double v = number(cell);
                if (v == null) {
                    firstText = firstText < 0 ? r.getRecordNumber() + 1 : firstText;
                } else {
                    firstNumber = firstNumber < 0 ? r.getRecordNumber() + 1 : firstNumber;
                    num[i] = Double.isFinite(v) ? v : null;
                }
            }
            if (firstText >= 0 && firstNumber >= 0) {
                throw new ReportException(file + ":" + Math.max(firstText, firstNumber) + ": column '" + name
                        + "' mixes numbers and text (line " + firstNumber + " has a number, line " + firstText
                        + " text); repair the file");
            }
            if (firstText >= 0) {
                texts.put(name, txt);
            } else {
                numbers.put(name, num);
            }
        }
        return new Metrics(List.copyOf(header), numbers, texts, n);
    }

    private static Double number(String cell) {
        switch (cell) {
            case "NaN", "Infinity", "-Infinity", "inf", "-inf", "nan" -> {
                return Double.NaN;
            }
            default -> {
                try {
                    return Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
    }

    public boolean has(String column) {
        return numbers.containsKey(column) || texts.containsKey(column);
    }

    /** Whether a numeric column has at least one value. */
    public boolean hasValues(String column) {
        Double[] v = numbers.get(column);
        return v != null && Arrays.stream(v).anyMatch(x -> x != null);
    }

    /**
     * At most about {@code max} rows: every k-th row, the last one, and every row where a sparse column (one
     * with empty cells, such as the truth metrics measured at evaluation steps) has a value, so that no
     * evaluation point is lost.
     */
    public Metrics thin(int max) {
        if (rows <= max) {
            return this;
        }
        int k = (int) Math.ceil((double) rows / max);
        List<Double[]> sparse = numbers.values().stream().filter(a -> {
            long filled = Arrays.stream(a).filter(x -> x != null).count();
            return filled < rows && filled <= max;
        }).toList();
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            final int row = i;
            boolean eval = sparse.stream().anyMatch(a -> a[row] != null);
            if (i % k == 0 || i == rows - 1 || eval) {
                keep.add(i);
            }
        }
        Map<String, Double[]> nums = new LinkedHashMap<>();
        numbers.forEach((c, a) -> nums.put(c, keep.stream().map(i -> a[i]).toArray(Double[]::new)));
        Map<String, String[]> txts = new LinkedHashMap<>();
        texts.forEach((c, a) -> txts.put(c, keep.stream().map(i -> a[i]).toArray(String[]::new)));
        return new Metrics(columns, nums, txts, keep.size());
    }
}
