package dev.ncelab.plugins.datasets;

import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.config.ConfigError;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.config.Names;
import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.plugin.PluginContext;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code dataset: {type: csv}}: a numeric table from a delimited text file (docs/reference-implementation.md §7, the UCI wine
 * quality files), parsed with Commons CSV.
 *
 * <p>Why so strict: many copies of the wine data are subtly broken (comma-separated, renamed, decimal commas,
 * missing cells, lost decimal points), and a silently misread table trains a model on garbage. So every row
 * must have as many cells as the first one and every kept cell must be a plain decimal number; the problems
 * (up to {@value #MAX_ERRORS}) are reported at once as {@code file:line} with what to fix. Cells absurdly far
 * from their column's median are reported too (see {@link CsvConfig#outliers()}). The held-out rows are a
 * seeded random split ({@code test_fraction} of the rows, from the run's "heldout" stream) that training never
 * sees, with every copy of a duplicated row on one side (the red wine file has 240 extra copies; split apart they
 * would let held-out figures measure memorisation), and standardisation uses the training split's statistics
 * only. Integer-valued columns named in {@code dequantize} are spread uniformly over their rounding interval.
 */
public final class CsvPlugin implements Plugin<CsvConfig, Dataset> {
    static final int MAX_ERRORS = 20;
    private static final Logger LOG = LogManager.getLogger(CsvPlugin.class);
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?\\d+,\\d+");
    private static final Pattern PARSER_LINE = Pattern.compile("line:? (\\d+)");

    @Override
    public Class<CsvConfig> configType() {
        return CsvConfig.class;
    }

    @Override
    public String doc() {
        return "a numeric table from a CSV file (e.g. UCI wine quality), with a seeded held-out split and z-scoring";
    }

    @Override
    public Dataset create(CsvConfig config, PluginContext context) {
        Table table = read(config);
        List<String> warnings = outliers(config, table);
        int n = table.rows.size();
        int d = table.names.size();
        if (n < 2) {
            throw new ConfigException(config.path(), "dataset.outliers", "only " + n + " row is left after dropping"
                    + " the outlier rows: set dataset.outliers: warn, or fix the file");
        }
        boolean[] held = heldOutRows(table.rows, config.testFraction(), context.random("heldout"));
        boolean[] integer = dequantizedColumns(config, table);
        double[][] range = trainingRange(table, held);
        dequantize(table, integer, context.random("dequantize"));
        int test = 0;
        for (boolean h : held) {
            test += h ? 1 : 0;
        }
        double[] mean = new double[d];
        double[] scale = new double[d];
        Arrays.fill(scale, 1);
        if (config.standardize()) {
            standardization(config, table, held, mean, scale);
        }
        float[] trainData = new float[(n - test) * d];
        float[] testData = new float[test * d];
        int tr = 0;
        int te = 0;
        for (int i = 0; i < n; i++) {
            double[] row = table.rows.get(i);
            for (int j = 0; j < d; j++) {
                float v = (float) ((row[j] - mean[j]) / scale[j]);
                if (held[i]) {
                    testData[te++] = v;
                } else {
                    trainData[tr++] = v;
                }
            }
        }
        return new CsvDataset(table.names, new Matrix(trainData, n - test, d), new Matrix(testData, test, d), mean,
                scale, warnings, integer, range[0], range[1]);
    }

    /**
     * Which rows are held out: about round(n * fraction) of them (at least 1 row, at most n - 1), at random, with
     * every copy of a duplicated row on the same side. Identical rows form one group; groups are taken in a
     * seeded random order until the held-out rows reach the target (so the count can exceed it by less than the
     * largest group). A table without duplicates gets exactly the row split of a plain permutation.
     */
    static boolean[] heldOutRows(List<double[]> rows, double fraction, Random random) {
        int n = rows.size();
        int target = (int) Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
        Map<List<Double>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            List<Double> key = Arrays.stream(rows.get(i)).boxed().toList();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> list = new ArrayList<>(groups.values());
        boolean[] held = new boolean[n];
        int[] order = Generators.permutation(list.size(), random);
        int count = 0;
        for (int g = 0; g < order.length && count < target; g++) {
            List<Integer> group = list.get(order[g]);
            if (count + group.size() > n - 1) {
                continue;
            }
            for (int i : group) {
                held[i] = true;
            }
            count += group.size();
        }
        return held;
    }

    /** The columns named by {@code dequantize}, as a mask over the kept columns; unknown names are errors. */
    static boolean[] dequantizedColumns(CsvConfig config, Table table) {
        boolean[] mask = new boolean[table.names.size()];
        if (config.dequantize() == null) {
            return mask;
        }
        List<ConfigError> errors = new ArrayList<>();
        for (String name : config.dequantize()) {
            int j = table.names.indexOf(name);
            if (j < 0) {
                errors.add(new ConfigError(config.path(), "dataset.dequantize", "unknown column '" + name + "'"
                        + Names.didYouMean(name, table.names) + "; the kept columns are: "
                        + String.join(", ", table.names)));
                continue;
            }
            mask[j] = true;
            long fractional = table.rows.stream().filter(r -> r[j] != Math.rint(r[j])).count();
            if (fractional > 0) {
                LOG.warn("{}: dataset.dequantize names column '{}', but {} of its cells are not whole numbers;"
                        + " they are spread over [v - 0.5, v + 0.5) too", config.path(), name, fractional);
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return mask;
    }

    /** Per-column minimum and maximum of the training rows, in file units (before dequantisation). */
    private static double[][] trainingRange(Table table, boolean[] held) {
        int d = table.names.size();
        double[][] r = new double[2][d];
        Arrays.fill(r[0], Double.POSITIVE_INFINITY);
        Arrays.fill(r[1], Double.NEGATIVE_INFINITY);
        for (int i = 0; i < held.length; i++) {
            if (!held[i]) {
                for (int j = 0; j < d; j++) {
                    r[0][j] = Math.min(r[0][j], table.rows.get(i)[j]);
                    r[1][j] = Math.max(r[1][j], table.rows.get(i)[j]);
                }
            }
        }
        return r;
    }

    /** Adds u ~ U[-0.5, 0.5) to every cell of the masked columns, row by row from a seeded stream. */
    private static void dequantize(Table table, boolean[] mask, Random random) {
        for (double[] row : table.rows) {
            for (int j = 0; j < mask.length; j++) {
                if (mask[j]) {
                    row[j] += random.nextDouble() - 0.5;
                }
            }
        }
    }

    /**
     * Finds the cells over {@link CsvConfig#OUTLIER_MADS} median absolute deviations from their column's median
     * (columns with a zero MAD are skipped), and warns, fails or drops their rows as configured. Returns the
     * findings, one per cell, as {@code file:line column 'name': ...}.
     */
    static List<String> outliers(CsvConfig config, Table table) {
        int n = table.rows.size();
        List<ConfigError> found = new ArrayList<>();
        boolean[] bad = new boolean[n];
        for (int j = 0; j < table.names.size(); j++) {
            double[] col = new double[n];
            for (int i = 0; i < n; i++) {
                col[i] = table.rows.get(i)[j];
            }
            double median = median(col.clone());
            double[] dev = new double[n];
            for (int i = 0; i < n; i++) {
                dev[i] = Math.abs(col[i] - median);
            }
            double mad = median(dev.clone());
            if (!(mad > 0)) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                double mads = dev[i] / mad;
                if (mads > CsvConfig.OUTLIER_MADS) {
                    bad[i] = true;
                    found.add(new ConfigError(config.path() + ":" + table.lines.get(i), "dataset.outliers",
                            String.format("column '%s': %s is %.3g median absolute deviations from the median %s"
                                    + " (a lost decimal point or thousands separator?)", table.names.get(j),
                                    number(col[i]), mads, number(median))));
                }
            }
        }
        if (found.isEmpty()) {
            return List.of();
        }
        long rows = IntStream.range(0, n).filter(i -> bad[i]).count();
        switch (config.outliers()) {
            case ERROR -> {
                List<ConfigError> shown = new ArrayList<>(found.subList(0, Math.min(MAX_ERRORS, found.size())));
                shown.add(new ConfigError(config.path(), "dataset.outliers", found.size() + " suspicious cells in "
                        + rows + " rows: fix the file, or set dataset.outliers: drop (or warn to keep them)"));
                throw new ConfigException(shown);
            }
            case DROP -> {
                for (int i = n - 1; i >= 0; i--) {
                    if (bad[i]) {
                        table.rows.remove(i);
                        table.lines.remove(i);
                    }
                }
                LOG.warn("{}: dropped {} rows with {} suspicious cells (dataset.outliers: drop), {} rows left",
                        config.path(), rows, found.size(), table.rows.size());
            }
            case WARN -> LOG.warn("{}: {} suspicious cells in {} rows, kept (dataset.outliers: warn; use error or"
                    + " drop), for example:\n  {}", config.path(), found.size(), rows,
                    String.join("\n  ", found.subList(0, Math.min(5, found.size())).stream()
                            .map(ConfigError::toString).toList()));
            default -> throw new IllegalStateException();
        }
        return found.stream().map(ConfigError::toString).toList();
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static double median(double[] v) {
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
    }

    /** Mean and sample standard deviation (n - 1) of each column over the training rows. */
    private static void standardization(CsvConfig config, Table table, boolean[] held, double[] mean,
            double[] scale) {
        int d = mean.length;
        int count = 0;
        for (int i = 0; i < held.length; i++) {
            if (!held[i]) {
                count++;
                for (int j = 0; j < d; j++) {
                    mean[j] += table.rows.get(i)[j];
                }
            }
        }
        if (count < 2) {
            throw new ConfigException(config.path(), "dataset.standardize", "the training split has " + count
                    + " row, too few to estimate a standard deviation: add rows, lower dataset.test_fraction, or"
                    + " set dataset.standardize: false");
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= count;
        }
        double[] ss = new double[d];
        for (int i = 0; i < held.length; i++) {
            if (!held[i]) {
                for (int j = 0; j < d; j++) {
                    double e = table.rows.get(i)[j] - mean[j];
                    ss[j] += e * e;
                }
            }
        }
        List<ConfigError> errors = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            scale[j] = Math.sqrt(ss[j] / (count - 1));
            if (!(scale[j] > 0)) {
                errors.add(new ConfigError(config.path(), "dataset.columns", "column '" + table.names.get(j)
                        + "' is constant (" + mean[j] + ") in the training split, so it cannot be standardised:"
                        + " leave it out with dataset.columns, or set dataset.standardize: false"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
    }

    /** The kept columns' names, the rows of numbers in file order, and the line each row ends on. */
    record Table(List<String> names, List<double[]> rows, List<Long> lines) {}

    static Table read(CsvConfig config) {
        String name = config.path();
        Path file = Path.of(name);
        if (!Files.exists(file)) {
            throw new ConfigException(name, "dataset.path", "file not found (resolved to " + file.toAbsolutePath()
                    + "): give the path of an existing CSV file, absolute or relative to the working directory "
                    + Path.of("").toAbsolutePath());
        }
        if (Files.isDirectory(file)) {
            throw new ConfigException(name, "dataset.path", "is a directory, not a file: give the CSV file in it");
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(config.separator().charAt(0))
                .setIgnoreEmptyLines(true).setTrim(true).build();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(reader, format)) {
            return new Parse(config, file, parser).run();
        } catch (IOException e) {
            throw unreadable(name, e);
        }
    }

    private static ConfigException unreadable(String name, IOException e) {
        String why = e instanceof CharacterCodingException ? "is not UTF-8 text: save it as UTF-8"
                : "cannot be read: " + e.getMessage();
        return new ConfigException(name, "dataset.path", why);
    }

    /** One pass over the records, collecting every problem with its line. */
    private static final class Parse {
        private final CsvConfig config;
        private final Path file;
        private final CSVParser parser;
        private final List<ConfigError> errors = new ArrayList<>();
        private int moreErrors;
        private long lastLine;

        Parse(CsvConfig config, Path file, CSVParser parser) {
            this.config = config;
            this.file = file;
            this.parser = parser;
        }

        private String at(long line) {
            return config.path() + ":" + line;
        }

        private void error(long line, String key, String message) {
            if (errors.size() < MAX_ERRORS) {
                errors.add(new ConfigError(at(line), key, message));
            } else {
                moreErrors++;
            }
        }

        private ConfigException failure() {
            List<ConfigError> all = new ArrayList<>(errors);
            if (moreErrors > 0) {
                all.add(new ConfigError(config.path(), "dataset.path", "and " + moreErrors + " more problem"
                        + (moreErrors == 1 ? "" : "s") + " in this file"));
            }
            return new ConfigException(all);
        }

        /** The next record and the line it ends on, or null at the end; a quoting error becomes a config error. */
        private CSVRecord next(Iterator<CSVRecord> records) {
            try {
                if (!records.hasNext()) {
                    return null;
                }
                CSVRecord r = records.next();
                lastLine = parser.getCurrentLineNumber();
                return r;
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof CharacterCodingException) {
                    throw unreadable(config.path(), e.getCause());
                }
                Matcher m = PARSER_LINE.matcher(String.valueOf(e.getCause().getMessage()));
                long line = m.find() ? Long.parseLong(m.group(1)) : lastLine + 1;
                hintSeparator(line, rawLine(line), "the line");
                error(line, "dataset.path", "cannot split the row into cells: " + e.getCause().getMessage()
                        + "; check for a stray or unclosed quote (\")");
                throw failure();
            }
        }

        private String rawLine(long line) {
            try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                return lines.skip(Math.max(0, line - 1)).findFirst().orElse("");
            } catch (IOException | UncheckedIOException e) {
                return "";
            }
        }

        Table run() {
            Iterator<CSVRecord> records = parser.iterator();
            String need = (config.header() ? "a header row and " : "") + "at least 2 rows of numbers";
            CSVRecord first = next(records);
            if (first == null) {
                throw new ConfigException(at(1), "dataset.path", "the file is empty: expected " + need);
            }
            long firstLine = lastLine;
            int width = first.size();
            List<String> all = new ArrayList<>();
            for (int j = 0; j < width; j++) {
                String cell = first.get(j);
                if (j == 0 && cell.startsWith("\uFEFF")) {
                    cell = cell.substring(1).trim();
                }
                all.add(config.header() ? cell : Integer.toString(j + 1));
            }
            if (width == 1) {
                String cell = first.get(0);
                hintSeparator(firstLine, cell, (config.header() ? "the header" : "the first row")
                        + " is a single cell '" + cell + "'");
            }
            int[] keep = select(all, firstLine);
            if (!errors.isEmpty() && keep == null) {
                throw failure();
            }
            List<String> names = new ArrayList<>();
            for (int j : keep) {
                names.add(all.get(j));
            }
            List<double[]> rows = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            String reference = (config.header() ? "the header" : "the first row") + " on line " + firstLine;
            if (!config.header()) {
                rows.add(parse(first, firstLine, keep, names, width, reference));
                lines.add(firstLine);
            }
            for (CSVRecord r = next(records); r != null; r = next(records)) {
                rows.add(parse(r, lastLine, keep, names, width, reference));
                lines.add(lastLine);
            }
            if (!errors.isEmpty()) {
                throw failure();
            }
            if (rows.size() < 2) {
                throw new ConfigException(at(firstLine), "dataset.path", "found " + rows.size()
                        + " data row" + (rows.size() == 1 ? "" : "s") + ": expected " + need
                        + " (the held-out split needs one)");
            }
            return new Table(names, rows, lines);
        }

        /** Indices of the kept columns (all, or the named ones in the order given); null if a name is unknown. */
        private int[] select(List<String> all, long line) {
            if (config.header()) {
                Map<String, Integer> seen = new LinkedHashMap<>();
                for (int j = 0; j < all.size(); j++) {
                    Integer before = seen.putIfAbsent(all.get(j), j);
                    if (before != null) {
                        error(line, "dataset.path", "column name '" + all.get(j) + "' appears twice (cells "
                                + (before + 1) + " and " + (j + 1) + " of the header): rename one");
                    }
                    if (all.get(j).isEmpty()) {
                        error(line, "dataset.path", "header cell " + (j + 1) + " is empty: name every column,"
                                + " or set dataset.header: false if the file has no header row");
                    }
                }
            }
            if (config.columns() == null) {
                return IntStream.range(0, all.size()).toArray();
            }
            int[] keep = new int[config.columns().size()];
            boolean unknown = false;
            for (int k = 0; k < keep.length; k++) {
                String want = config.columns().get(k);
                keep[k] = all.indexOf(want);
                if (keep[k] < 0) {
                    unknown = true;
                    String message = config.header()
                            ? "unknown column '" + want + "'" + Names.didYouMean(want, all)
                                    + "; the columns of this file are: " + String.join(", ", all)
                            : "column '" + want + "' is not a position from 1 to " + all.size()
                                    + " (with dataset.header: false, columns are given by 1-based position)";
                    error(line, "dataset.columns", message);
                }
            }
            return unknown ? null : keep;
        }

        private void hintSeparator(long line, String text, String what) {
            char sep = config.separator().charAt(0);
            if (text.indexOf(sep) >= 0) {
                return;
            }
            for (char c : new char[] {',', ';', '\t', '|'}) {
                if (c != sep && text.indexOf(c) >= 0) {
                    String shown = c == '\t' ? "\\t" : String.valueOf(c);
                    error(line, "dataset.separator", what + " has no '" + config.separator() + "' but has '" + shown
                            + "': set dataset.separator: '" + shown + "' if that is what the file uses");
                    return;
                }
            }
        }

        private double[] parse(CSVRecord r, long line, int[] keep, List<String> names, int width,
                String reference) {
            double[] row = new double[keep.length];
            if (r.size() != width) {
                String hint = r.size() == width + 1 && r.get(width).isEmpty()
                        ? " (is there a separator at the end of the line?)" : "";
                error(line, "dataset.path", "row has " + r.size() + " cell" + (r.size() == 1 ? "" : "s")
                        + ", expected " + width + " like " + reference + hint + ": fix or delete the row");
                if (r.size() == 1) {
                    hintSeparator(line, r.get(0), "the row");
                }
                return row;
            }
            for (int k = 0; k < keep.length; k++) {
                int j = keep[k];
                String cell = r.get(j);
                String where = "column '" + names.get(k) + "' (cell " + (j + 1) + " of " + width + ")";
                if (cell.isEmpty()) {
                    error(line, "dataset.path", where + " is empty (a missing value): fill it in or delete the"
                            + " row; missing values are not supported");
                } else if (!NUMBER.matcher(cell).matches()) {
                    String hint = DECIMAL_COMMA.matcher(cell).matches()
                            ? ": it has a decimal comma; write " + cell.replace(',', '.')
                            : ": fix the cell, or leave the column out with dataset.columns";
                    error(line, "dataset.path", where + ": '" + cell + "' is not a number" + hint);
                } else {
                    row[k] = Double.parseDouble(cell);
                    if (!(Math.abs(row[k]) <= Float.MAX_VALUE)) {
                        error(line, "dataset.path", where + ": " + cell + " is too large for the float data:"
                                + " rescale the column");
                    }
                }
            }
            return row;
        }
    }
}
