package dev.ncelab.core.run;

import java.nio.file.Path;
import java.util.Map;

/**
 * Receives a run's progress. Several are active at once (the metrics files always; W&B when asked). Calls come
 * from the training thread and must return quickly: a logger that talks to a network queues and sends in the
 * background. A logger never fails a run: it logs its own errors.
 */
public interface RunLogger extends AutoCloseable {
    /** A logger that does nothing (a plugin that is configured off). */
    RunLogger NONE = new RunLogger() {
        @Override
        public void start(RunInfo info) {}

        @Override
        public void log(long step, Map<String, Object> metrics) {}

        @Override
        public void finish(RunStatus status, Map<String, Object> summary) {}
    };

    void start(RunInfo info);

    /** One row of metrics (numbers and short strings) at a step. */
    void log(long step, Map<String, Object> metrics);

    /** A file the run produced (a density plot per epoch), already complete on disk. */
    default void artifact(long step, String key, Path file) {}

    void finish(RunStatus status, Map<String, Object> summary);

    @Override
    default void close() {}
}
