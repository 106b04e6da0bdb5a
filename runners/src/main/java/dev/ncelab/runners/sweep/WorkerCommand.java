package dev.ncelab.runners.sweep;

import java.nio.file.Path;
import java.util.List;

/**
 * The command line of the worker process that trains one point into its run directory. The real one is
 * {@link JvmWorker} ({@code java ... dev.ncelab.runners.Main run ...}); tests substitute a fake main class.
 */
@FunctionalInterface
interface WorkerCommand {
    List<String> argv(SweepPoint point, Path runDir);
}
