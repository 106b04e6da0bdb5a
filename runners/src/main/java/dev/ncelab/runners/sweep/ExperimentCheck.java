package dev.ncelab.runners.sweep;

import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.ConfigError;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.experiment.ExperimentLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds the experiment with every point's overrides before anything is launched, as {@code run} would, so that
 * a misspelt key or an out-of-range value fails the sweep at once (exit 2) instead of failing every worker.
 * Errors shared by several points are reported once, with the points they concern. Returns each point's
 * {@code training.threads}, which the executor counts against the cores.
 */
final class ExperimentCheck {
    private ExperimentCheck() {}

    static Map<Integer, Integer> check(SweepPlan plan, List<SweepPoint> points, List<Path> pluginDirs) {
        List<Path> dirs = new ArrayList<>(pluginDirs);
        ConfigDocument base = ExperimentLoader.read(plan.experiment(), plan.overrides());
        ExperimentLoader.pluginDirectories(base).forEach(d -> dirs.add(plan.experiment().getParent().resolve(d)));
        ExperimentLoader loader = new ExperimentLoader(dev.ncelab.runners.PluginLoader.registry(dirs));
        String name = plan.experiment().getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Map<String, List<Integer>> byMessage = new LinkedHashMap<>();
        Map<String, ConfigError> first = new LinkedHashMap<>();
        Map<Integer, Integer> threads = new LinkedHashMap<>();
        for (SweepPoint p : points) {
            List<String> all = new ArrayList<>(plan.overrides());
            all.addAll(p.overrides());
            try {
                threads.put(p.index(), loader.bind(ExperimentLoader.read(plan.experiment(), all), name).training()
                        .threads());
            } catch (ConfigException e) {
                for (ConfigError err : e.errors()) {
                    String key = err.toString();
                    byMessage.computeIfAbsent(key, k -> new ArrayList<>()).add(p.index());
                    first.putIfAbsent(key, err);
                }
            }
        }
        if (byMessage.isEmpty()) {
            return threads;
        }
        List<ConfigError> errors = new ArrayList<>();
        byMessage.forEach((key, indices) -> {
            ConfigError e = first.get(key);
            String which = indices.size() == points.size() ? "every point" : indices.size() == 1
                    ? "point #" + indices.get(0) : "points #" + indices.subList(0, Math.min(8, indices.size()))
                    .toString().replaceAll("[\\[\\]]", "").replace(", ", ", #") + (indices.size() > 8 ? ", ..." : "");
            errors.add(new ConfigError(e.location(), e.key(), e.message() + " [" + which + "]"));
        });
        throw new ConfigException(errors);
    }
}
