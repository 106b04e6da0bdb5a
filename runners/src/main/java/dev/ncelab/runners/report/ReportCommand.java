package dev.ncelab.runners.report;

import dev.ncelab.plugins.report.ReportException;
import dev.ncelab.plugins.report.RunData;
import dev.ncelab.plugins.report.RunPage;
import dev.ncelab.runners.sweep.SweepReport;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ncelab report DIR...}: (re)builds the report.html of run and sweep directories from their files. */
@Command(name = "report", description = {
        "(Re)build report.html for run directories (results/<name>/<run>) and sweep directories "
                + "(results/sweeps/<name>/<timestamp>: every run's page, then the sweep's), from their files.",
        "Opens from disk: no server, no network. Exit 2 when a directory is neither or its files are damaged."})
public final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "run or sweep directories")
    List<Path> dirs;

    @Override
    public Integer call() {
        int code = 0;
        for (Path dir : dirs) {
            try {
                Path page;
                if (SweepReport.isSweepDir(dir)) {
                    page = SweepReport.rebuild(dir);
                } else if (RunData.isRunDir(dir)) {
                    page = RunPage.rebuild(dir);
                } else {
                    System.err.println("error: " + dir + (Files.isDirectory(dir) ? " is neither a run directory (config"
                            + ".yaml with metrics.csv or metadata.json) nor a sweep directory (sweep.yaml)"
                            : " does not exist") + "; name e.g. results/<name>/<run> or results/sweeps/<name>/<timestamp>");
                    code = 2;
                    continue;
                }
                System.out.println("report: " + page);
            } catch (ReportException | UncheckedIOException | IllegalArgumentException
                    | dev.ncelab.core.config.ConfigException e) {
                System.err.println("error: " + e.getMessage());
                code = 2;
            }
        }
        return code;
    }
}
