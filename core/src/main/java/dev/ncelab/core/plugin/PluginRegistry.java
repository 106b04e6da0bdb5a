package dev.ncelab.core.plugin;

import com.google.inject.Inject;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/** Every registered plugin, by kind and name. Injected from the {@link PluginModule} map bindings. */
public final class PluginRegistry {
    private final Map<PluginKind, Map<String, Plugin<?, ?>>> plugins = new EnumMap<>(PluginKind.class);

    @Inject
    PluginRegistry(Map<String, DatasetPlugin<?>> datasets, Map<String, EnergyPlugin<?>> energies,
            Map<String, NoisePlugin<?>> noises, Map<String, ObjectivePlugin<?>> objectives,
            Map<String, SchedulePlugin<?>> schedules, Map<String, LoggerPlugin<?>> loggers,
            Map<String, SamplerPlugin<?>> samplers /* [issue-13] */) {
        plugins.put(PluginKind.DATASET, new TreeMap<>(datasets));
        plugins.put(PluginKind.ENERGY, new TreeMap<>(energies));
        plugins.put(PluginKind.NOISE, new TreeMap<>(noises));
        plugins.put(PluginKind.OBJECTIVE, new TreeMap<>(objectives));
        plugins.put(PluginKind.SCHEDULE, new TreeMap<>(schedules));
        plugins.put(PluginKind.LOGGER, new TreeMap<>(loggers));
        plugins.put(PluginKind.SAMPLER, new TreeMap<>(samplers)); // [issue-13]
    }

    /** The plugins of a kind, sorted by name. */
    public Map<String, Plugin<?, ?>> of(PluginKind kind) {
        return plugins.get(kind);
    }

    /** The plugin, or null. */
    public Plugin<?, ?> find(PluginKind kind, String name) {
        return plugins.get(kind).get(name);
    }
}
