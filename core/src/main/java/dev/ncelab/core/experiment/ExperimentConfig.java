package dev.ncelab.core.experiment;

import dev.ncelab.core.config.ConfigWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resolved experiment: every key with its value, defaults filled in, validated.
 *
 * @param loggers logger plugins configured under {@code logging:} (name to spec)
 */
public record ExperimentConfig(String name, long seed, PluginSpec dataset, PluginSpec energy, PluginSpec noise,
        PluginSpec objective, PluginSpec schedule, TrainingConfig training, LoggingConfig logging,
        Map<String, PluginSpec> loggers, String output, List<String> plugins) {

    /** The resolved experiment as nested maps in file order (secrets left out): what {@code config.yaml} holds. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("seed", seed);
        m.put("dataset", dataset.toMap());
        m.put("energy", energy.toMap());
        m.put("noise", noise.toMap());
        m.put("objective", objective.toMap());
        m.put("schedule", schedule.toMap());
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
