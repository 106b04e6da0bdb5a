package dev.ncelab.core.experiment;

import dev.ncelab.core.config.ConfigWriter;
import dev.ncelab.core.plugin.PluginKind;
import java.util.LinkedHashMap;
import java.util.Map;

/** One plugin section of an experiment: the kind, the registered name ({@code type}) and its bound config. */
public record PluginSpec(PluginKind kind, String type, Record config) {
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.putAll(ConfigWriter.toMap(config));
        return m;
    }
}
