package dev.ncelab.runners.sweep;

import java.nio.file.Path;
import java.util.List;

/**
 * How a sweep's workers are started and what they are told per point. The real one is {@link JvmWorker}: a
 * {@link PointWorker} JVM whose entry class is {@code dev.ncelab.runners.Main}; tests substitute a fake entry
 * class.
 */
interface WorkerCommand {
    /** The command line that starts one worker process. */
    List<String> workerArgv();

    /** The arguments of one point (what {@code Main.execute} would get for a lone run of it). */
    List<String> argv(SweepPoint point, Path runDir);
}
