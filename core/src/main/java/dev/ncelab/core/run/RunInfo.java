package dev.ncelab.core.run;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a logger learns of a run when it starts.
 *
 * @param name the experiment name
 * @param id the run directory's name ({@code yyyyMMdd-HHmmss_hash}), unique per run
 * @param directory the run directory
 * @param config the resolved experiment, as nested maps (secrets already removed)
 * @param group the sweep this run belongs to, or null
 * @param resumed whether this start continues an earlier, interrupted run
 */
public record RunInfo(String name, String id, Path directory, Map<String, Object> config, String group,
        boolean resumed) {}
