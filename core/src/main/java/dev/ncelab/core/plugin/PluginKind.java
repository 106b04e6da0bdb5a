package dev.ncelab.core.plugin;

/** The extension points, by the experiment key that selects them. */
public enum PluginKind {
    DATASET("dataset"),
    ENERGY("energy"),
    NOISE("noise"),
    OBJECTIVE("objective"),
    SCHEDULE("schedule"),
    LOGGER("logger"),
    // [issue-13] samplers as a plugin kind; minimal, to be replaced by the open plugin kinds of issue 12
    SAMPLER("sampler");

    private final String key;

    PluginKind(String key) {
        this.key = key;
    }

    /** The experiment key ({@code dataset}, {@code noise}, ...); loggers sit under {@code logging.<name>}. */
    public String key() {
        return key;
    }

    public static PluginKind byKey(String key) {
        for (PluginKind k : values()) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        return null;
    }
}
