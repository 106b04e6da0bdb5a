package dev.ncelab.core.plugin;

import com.google.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Every registered plugin, by kind and name, and every kind: core's first, then those plugin jars declare. */
public final class PluginRegistry {
    private final Map<PluginKind, Map<String, Plugin<?, ?>>> plugins = new LinkedHashMap<>();

    @Inject
    PluginRegistry(Map<String, Plugin<?, ?>> byKey, Set<PluginKind> kinds) {
        List<PluginKind> ordered = new ArrayList<>(PluginKind.CORE);
        kinds.stream().filter(k -> !PluginKind.CORE.contains(k)).sorted(Comparator.comparing(PluginKind::key))
                .forEach(ordered::add);
        ordered.forEach(k -> plugins.put(k, new TreeMap<>()));
        byKey.forEach((key, plugin) -> {
            String kind = key.substring(0, key.indexOf(':'));
            plugins.get(kind(kind)).put(key.substring(kind.length() + 1), plugin);
        });
    }

    /** Every kind, core's first. */
    public List<PluginKind> kinds() {
        return List.copyOf(plugins.keySet());
    }

    /** The kind with this experiment key, or null. */
    public PluginKind kind(String key) {
        return plugins.keySet().stream().filter(k -> k.key().equals(key)).findFirst().orElse(null);
    }

    /** The plugins of a kind, sorted by name. */
    public Map<String, Plugin<?, ?>> of(PluginKind kind) {
        return plugins.getOrDefault(kind, Map.of());
    }

    /** The plugin, or null. */
    public Plugin<?, ?> find(PluginKind kind, String name) {
        return of(kind).get(name);
    }
}
