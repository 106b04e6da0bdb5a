package dev.ncelab.plugins.report;

import dev.ncelab.core.run.RunInfo;
import dev.ncelab.core.run.RunLogger;
import dev.ncelab.core.run.RunStatus;
import java.nio.file.Path;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Rebuilds the run's {@code report.html} from the run directory's files when a density plot arrives (once per
 * epoch) and at the end. Never fails the run: a problem is logged once per kind and the training goes on.
 */
final class ReportLogger implements RunLogger {
    private static final Logger LOG = LogManager.getLogger(ReportLogger.class);

    private final Path dir;
    private final boolean viridis;
    private boolean warned;

    ReportLogger(Path dir, boolean viridis) {
        this.dir = dir;
        this.viridis = viridis;
    }

    @Override
    public void start(RunInfo info) {
        rebuild(RunStatus.RUNNING);
    }

    @Override
    public void log(long step, Map<String, Object> metrics) {}

    @Override
    public void artifact(long step, String key, Path file) {
        if (viridis && file.getFileName().toString().endsWith(".png")) {
            try {
                Viridis.writeCopy(file);
            } catch (RuntimeException e) {
                warn("could not write the viridis copy of " + file, e);
            }
        }
        rebuild(RunStatus.RUNNING);
    }

    @Override
    public void finish(RunStatus status, Map<String, Object> summary) {
        rebuild(status);
        LOG.info("report: {}", dir.resolve(RunPage.FILE));
    }

    private void rebuild(RunStatus status) {
        try {
            RunPage.write(dir, status.label());
        } catch (RuntimeException e) {
            warn("could not write " + dir.resolve(RunPage.FILE), e);
        }
    }

    private void warn(String what, RuntimeException e) {
        if (!warned) {
            LOG.warn("{}: {}", what, e.toString());
            warned = true;
        } else {
            LOG.debug("{}: {}", what, e.toString());
        }
    }
}
