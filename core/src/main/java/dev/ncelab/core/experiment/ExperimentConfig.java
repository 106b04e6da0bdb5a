package dev.ncelab.core.experiment;

import dev.ncelab.core.config.ConfigWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resolved experiment: every key with its value, defaults filled in, validated.
 *
 * @param sections the plugin sections by key ({@code dataset}, {@code energy}, {@code noise}, ...), in kind order;
 *     optional sections the experiment does not configure are absent
 * @param loggers logger plugins configured under {@code logging:} (name to spec)
 */
public record ExperimentConfig(String name, long seed, Map<String, PluginSpec> sections, TrainingConfig training,
        LoggingConfig logging, Map<String, PluginSpec> loggers, String output, List<String> plugins) {

    /** A plugin section, or null when absent. */
    public PluginSpec section(String key) {
        return sections.get(key);
    }

    public PluginSpec dataset() {
        return section("dataset");
    }

    public PluginSpec energy() {
        return section("energy");
    }

    /** The noise section, or null when the experiment has none. */
    public PluginSpec noise() {
        return section("noise");
    }

    public PluginSpec objective() {
        return section("objective");
    }

    public PluginSpec schedule() {
        return section("schedule");
    }

    /** The resolved experiment as nested maps in file order (secrets left out): what {@code config.yaml} holds. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("seed", seed);
        sections.forEach((k, v) -> m.put(k, v.toMap()));
        m.put("training", ConfigWriter.toMap(training));
        Map<String, Object> logging = new LinkedHashMap<>(ConfigWriter.toMap(this.logging));
        loggers.forEach((k, v) -> {
            Map<String, Object> lm = new LinkedHashMap<>(v.toMap());
            lm.remove("type");
            logging.put(k, lm);
        });
        m.put("logging", logging);
        m.put("output", output);
        if (!plugins.isEmpty()) {
            m.put("plugins", plugins);
        }
        return m;
    }

    public String toYaml() {
        return ConfigWriter.yaml(toMap());
    }
}
