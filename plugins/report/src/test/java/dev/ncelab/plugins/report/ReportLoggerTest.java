package dev.ncelab.plugins.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.plot.DensityPlot;
import dev.ncelab.core.run.RunInfo;
import dev.ncelab.core.run.RunLogger;
import dev.ncelab.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logger rebuilds the page at each density plot and at the end, and never fails the run. */
class ReportLoggerTest {
    @Test
    void thePageFollowsTheEpochsAndEndsWithTheFinalStatus(@TempDir Path tmp) throws Exception {
        Path run = Fixtures.fceRun(tmp.resolve("r"), 30, 2, 0.6, 2);
        try (var s = Files.list(run.resolve("plots"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
        Files.writeString(run.resolve("metadata.json"), "{\"name\":\"x\",\"status\":\"running\"}");
        Files.delete(run.resolve("summary.json"));
        RunLogger logger = new ReportPlugin().create(new ReportConfig(true, true), context(run));
        logger.start(new RunInfo("x", "r", run, Map.of(), null, false));
        ((ReportLogger) logger).flush();
        Path page = run.resolve("report.html");
        String first = Files.readString(page);
        assertTrue(first.contains("http-equiv=\"refresh\"") && first.contains("\"epochs\":[]"), "running, no plot yet");
        for (int e = 1; e <= 2; e++) {
            Path p = run.resolve(String.format("plots/epoch_%03d.png", e));
            DensityPlot.write(p, Fixtures.panels(e, 2));
            logger.artifact(e * 100L, "density", p);
            ((ReportLogger) logger).flush();
            String html = Files.readString(page);
            assertTrue(html.contains("plots/viridis/epoch_00" + e + ".png"), "epoch " + e + " and its viridis copy");
            assertTrue(Files.exists(Viridis.copyOf(p)));
        }
        Files.writeString(run.resolve("summary.json"), "{\"status\":\"finished\",\"steps\":300}");
        logger.finish(RunStatus.FINISHED, Map.of());
        String last = Files.readString(page);
        assertTrue(last.contains("status finished"), "the status passed to finish, before metadata.json has it");
        assertFalse(last.contains("http-equiv=\"refresh\""));
        try (var s = Files.list(run)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(), "written by rename");
        }
    }

    @Test
    void aDamagedFileIsLoggedAndTheRunGoesOn(@TempDir Path tmp) throws Exception {
        Path run = Fixtures.fceRun(tmp.resolve("r"), 10, 1, 0.6, 2);
        RunLogger logger = new ReportPlugin().create(new ReportConfig(true, true), context(run));
        logger.start(new RunInfo("x", "r", run, Map.of(), null, false));
        ((ReportLogger) logger).flush();
        String before = Files.readString(run.resolve("report.html"));
        Files.writeString(run.resolve("summary.json"), "{broken");
        Files.writeString(run.resolve("plots/epoch_002.png"), "not a png");
        logger.artifact(200, "density", run.resolve("plots/epoch_002.png"));
        logger.finish(RunStatus.FINISHED, Map.of());
        assertEquals(before, Files.readString(run.resolve("report.html")), "the last good page stays");
    }

    @Test
    void disabledMeansNoLogger(@TempDir Path tmp) {
        assertEquals(RunLogger.NONE, new ReportPlugin().create(new ReportConfig(false, true), context(tmp)));
    }

    static dev.ncelab.core.plugin.PluginContext context(Path dir) {
        return (dev.ncelab.core.plugin.PluginContext) java.lang.reflect.Proxy.newProxyInstance(
                ReportLoggerTest.class.getClassLoader(), new Class<?>[] {dev.ncelab.core.plugin.PluginContext.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("runDirectory")) {
                        return dir;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
