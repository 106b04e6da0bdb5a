package dev.ncelab.core.plugin;

import java.util.List;
import java.util.Objects;

/**
 * An extension point: the experiment key that selects its plugins, the type they make, and whether an
 * experiment must, may or (loggers) implicitly configures it. Core declares its own kinds below; a plugin jar
 * declares a new kind as one more constant of this class and registers plugins under it
 * ({@link PluginModule#register}); the registry, the loader and the configuration find it from there.
 */
public final class PluginKind {
    /** How an experiment configures the kind. */
    public enum Use {
        /** A top-level section every experiment has. */
        REQUIRED,
        /** A top-level section an experiment may have; a component that needs it says so when it is missing. */
        OPTIONAL,
        /** Configured under {@code logging.<name>}; every registered logger is created (and may stay off). */
        LOGGER
    }

    public static final PluginKind DATASET = new PluginKind("dataset", dev.ncelab.core.data.Dataset.class,
            Use.REQUIRED, null, "the training and held-out data");
    public static final PluginKind ENERGY = new PluginKind("energy", dev.ncelab.core.model.EnergyModel.class,
            Use.REQUIRED, null, "the energy-based model");
    public static final PluginKind NOISE = new PluginKind("noise", dev.ncelab.core.model.NoiseModel.class,
            Use.OPTIONAL, null, "a noise density or trainable flow, for objectives that contrast with one");
    public static final PluginKind SAMPLER = new PluginKind("sampler", dev.ncelab.core.sample.Sampler.class,
            Use.OPTIONAL, null, "an MCMC sampler of the energy model, for objectives and commands that sample");
    public static final PluginKind OBJECTIVE = new PluginKind("objective",
            dev.ncelab.core.objective.Objective.class, Use.REQUIRED, null, "what one training step computes");
    public static final PluginKind SCHEDULE = new PluginKind("schedule", dev.ncelab.core.schedule.Schedule.class,
            Use.OPTIONAL, "nce", "who learns at each step");
    public static final PluginKind LOGGER = new PluginKind("logger", dev.ncelab.core.run.RunLogger.class,
            Use.LOGGER, null, "where metrics go besides the run directory");

    /** Core's kinds, in the order experiments list them. */
    public static final List<PluginKind> CORE = List.of(DATASET, ENERGY, NOISE, SAMPLER, OBJECTIVE, SCHEDULE, LOGGER);

    private final String key;
    private final Class<?> product;
    private final Use use;
    private final String defaultType;
    private final String doc;

    /**
     * @param key the experiment section (lower-kebab-case)
     * @param product what its plugins make
     * @param defaultType the plugin used when an optional section is absent (null: no component)
     */
    public PluginKind(String key, Class<?> product, Use use, String defaultType, String doc) {
        this.key = Objects.requireNonNull(key);
        this.product = Objects.requireNonNull(product);
        this.use = Objects.requireNonNull(use);
        this.defaultType = defaultType;
        this.doc = doc;
    }

    /** The experiment key ({@code dataset}, {@code noise}, ...); loggers sit under {@code logging.<name>}. */
    public String key() {
        return key;
    }

    public Class<?> product() {
        return product;
    }

    public Use use() {
        return use;
    }

    public String defaultType() {
        return defaultType;
    }

    public String doc() {
        return doc;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PluginKind k && k.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key;
    }
}
