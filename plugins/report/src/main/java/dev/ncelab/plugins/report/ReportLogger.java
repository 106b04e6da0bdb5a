package dev.ncelab.plugins.report;

import dev.ncelab.core.run.RunInfo;
import dev.ncelab.core.run.RunLogger;
import dev.ncelab.core.run.RunStatus;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Rebuilds the run's {@code report.html} from the run directory's files when a density plot arrives (once per
 * epoch) and at the end. The work runs on one background thread so the training thread only queues it (pending
 * rebuilds are merged into one); {@link #finish} waits for it, at most {@link #FINISH_WAIT_SECONDS}. Never fails
 * the run: a problem is logged once and the previous page stays.
 */
final class ReportLogger implements RunLogger {
    private static final Logger LOG = LogManager.getLogger(ReportLogger.class);
    static final long FINISH_WAIT_SECONDS = 60;

    private final Path dir;
    private final boolean viridis;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "report-page");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean rebuildQueued = new AtomicBoolean();
    private volatile boolean warned;

    ReportLogger(Path dir, boolean viridis) {
        this.dir = dir;
        this.viridis = viridis;
    }

    @Override
    public void start(RunInfo info) {
        queueRebuild();
    }

    @Override
    public void log(long step, Map<String, Object> metrics) {}

    @Override
    public void artifact(long step, String key, Path file) {
        if (viridis && file.getFileName().toString().endsWith(".png")) {
            worker.execute(() -> {
                try {
                    Viridis.writeCopy(file);
                } catch (RuntimeException e) {
                    warn("could not write the viridis copy of " + file, e);
                }
            });
        }
        queueRebuild();
    }

    private void queueRebuild() {
        if (rebuildQueued.compareAndSet(false, true)) {
            worker.execute(() -> {
                rebuildQueued.set(false);
                rebuild(RunStatus.RUNNING);
            });
        }
    }

    @Override
    public void finish(RunStatus status, Map<String, Object> summary) {
        worker.execute(() -> rebuild(status));
        worker.shutdown();
        try {
            if (!worker.awaitTermination(FINISH_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("report.html was not finished within {} s; rebuild it with: ncelab report {}",
                        FINISH_WAIT_SECONDS, dir);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        LOG.info("report: {}", dir.resolve(RunPage.FILE));
    }

    /** Waits until the work queued so far is done (tests). */
    void flush() throws InterruptedException, ExecutionException, TimeoutException {
        worker.submit(() -> {}).get(FINISH_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        worker.shutdown();
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
            warned = true;
            LOG.warn("{}: {}", what, e.toString());
        } else {
            LOG.debug("{}: {}", what, e.toString());
        }
    }
}
