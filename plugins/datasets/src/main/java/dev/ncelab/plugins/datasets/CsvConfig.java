package dev.ncelab.plugins.datasets;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import java.util.HashSet;
import java.util.List;

/**
 * The {@code dataset: {type: csv}} section: a numeric table read from a delimited text file.
 *
 * <p>The {@code outliers} key exists because corrupted copies of tabular data sets are common (docs/reference-implementation.md
 * §7): a decimal point lost to a locale's thousands separator turns 1.0001 into 10001, which a reader cannot
 * tell from a number, yet which wrecks standardisation. A cell {@value #OUTLIER_MADS} median absolute
 * deviations from its column's median is far beyond any heavy tail of real measurements (in the red wine file the
 * largest genuine deviation is 53, in chlorides), so it is reported with its line.
 */
public record CsvConfig(
        @Param(doc = "the CSV file, absolute or relative to the working directory") String path,
        @Param(doc = "the cell separator, one character (the UCI wine files use ';')", value = ";") String separator,
        @Param(doc = "the columns to keep, by header name (or 1-based position with header: false); null: all",
                value = "null") List<String> columns,
        @Param(doc = "z-score every column with the training split's mean and standard deviation",
                value = "true") boolean standardize,
        @Param(doc = "the fraction of rows held out (a seeded random split, never used for training)",
                value = "0.2") double testFraction,
        @Param(doc = "the first row holds the column names", value = "true") boolean header,
        @Param(doc = "cells over " + CsvConfig.OUTLIER_MADS + " median absolute deviations from their column's median"
                + " (typically a lost decimal point): warn (log them, keep the rows), error, or drop their rows",
                value = "warn") Outliers outliers,
        @Param(doc = "integer-valued columns to dequantise: each cell v becomes v + u, u uniform in [-0.5, 0.5),"
                + " seeded, in file units before standardising (a continuous density of rounded values is"
                + " degenerate); the wine files' quality and sulfur dioxide counts. null: none",
                value = "null") List<String> dequantize) {
    /** How far from the median, in median absolute deviations, a cell counts as an outlier. */
    public static final int OUTLIER_MADS = 1000;

    /** What to do with cells far outside their column (see {@link #OUTLIER_MADS}). */
    public enum Outliers { WARN, ERROR, DROP }

    public CsvConfig {
        Checks.that(path != null && !path.isBlank(), "path", "expected the path of a CSV file, found an empty text");
        Checks.that(separator != null && separator.length() == 1 && separator.charAt(0) != '"'
                        && separator.charAt(0) != '\n' && separator.charAt(0) != '\r', "separator",
                "expected one character other than a quote or a line break (';', ',', '\\t'), found '" + separator
                        + "'");
        if (columns != null) {
            Checks.nonEmpty("columns", columns);
            Checks.that(new HashSet<>(columns).size() == columns.size(), "columns",
                    "expected each column once, found " + columns);
        }
        if (dequantize != null) {
            Checks.that(new HashSet<>(dequantize).size() == dequantize.size(), "dequantize",
                    "expected each column once, found " + dequantize);
        }
        Checks.that(testFraction > 0 && testFraction < 1, "test_fraction",
                "expected a number in (0, 1) exclusive, found " + testFraction);
    }
}
