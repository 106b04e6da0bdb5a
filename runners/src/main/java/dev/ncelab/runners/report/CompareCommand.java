package dev.ncelab.runners.report;

import dev.ncelab.plugins.report.ComparePage;
import dev.ncelab.plugins.report.ReportException;
import dev.ncelab.plugins.report.RunData;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ncelab compare RUN RUN ...}: one page with several runs' curves on shared axes and their configs. */
@Command(name = "compare", description = {
        "Write one page comparing runs: learning curves on shared axes (a colour per run), summaries and configs "
                + "side by side with the differing keys highlighted, the last density panels.",
        "Default output: results/compare/<yyyyMMdd-HHmmss>.html."})
public final class CompareCommand implements Callable<Integer> {
    @Parameters(arity = "2..*", paramLabel = "RUN", description = "run directories (two or more)")
    List<Path> runs;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the page to write")
    Path output;

    @Override
    public Integer call() {
        for (Path r : runs) {
            if (!RunData.isRunDir(r)) {
                System.err.println("error: " + r + " is not a run directory (it needs config.yaml and metrics.csv or "
                        + "metadata.json); name directories such as results/<name>/<run>");
                return 2;
            }
        }
        Path file = output != null ? output : Path.of("results", "compare",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".html");
        if (file.getFileName().toString().endsWith("/") || java.nio.file.Files.isDirectory(file)) {
            System.err.println("error: --output " + file + " is a directory; name the page file, e.g. "
                    + file.resolve("compare.html"));
            return 2;
        }
        try {
            System.out.println("compare: " + ComparePage.write(file, runs));
            return 0;
        } catch (ReportException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
