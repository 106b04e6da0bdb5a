package dev.ncelab.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import java.util.regex.Pattern;

/**
 * The base of every plugin family's Guice module. Subclasses register plugins by name in {@link #configure()}
 * and are listed in {@code META-INF/services/dev.ncelab.core.plugin.PluginModule}, so that a jar on the class
 * path (or in a {@code --plugins} directory) installs them. Modules only bind: no I/O, no tensors.
 */
public abstract class PluginModule extends AbstractModule {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /** kind:name of every plugin this module registered, filled when Guice (or a dry pass) configures it. */
    private final java.util.Set<String> registered = new java.util.LinkedHashSet<>();

    static final TypeLiteral<DatasetPlugin<?>> DATASETS = new TypeLiteral<>() {};
    static final TypeLiteral<EnergyPlugin<?>> ENERGIES = new TypeLiteral<>() {};
    static final TypeLiteral<NoisePlugin<?>> NOISES = new TypeLiteral<>() {};
    static final TypeLiteral<ObjectivePlugin<?>> OBJECTIVES = new TypeLiteral<>() {};
    static final TypeLiteral<SchedulePlugin<?>> SCHEDULES = new TypeLiteral<>() {};
    static final TypeLiteral<LoggerPlugin<?>> LOGGERS = new TypeLiteral<>() {};
    static final TypeLiteral<SamplerPlugin<?>> SAMPLERS = new TypeLiteral<>() {}; // [issue-13]

    protected final void dataset(String name, Class<? extends DatasetPlugin<?>> plugin) {
        register(DATASETS, name, plugin);
    }

    protected final void energy(String name, Class<? extends EnergyPlugin<?>> plugin) {
        register(ENERGIES, name, plugin);
    }

    protected final void noise(String name, Class<? extends NoisePlugin<?>> plugin) {
        register(NOISES, name, plugin);
    }

    protected final void objective(String name, Class<? extends ObjectivePlugin<?>> plugin) {
        register(OBJECTIVES, name, plugin);
    }

    protected final void schedule(String name, Class<? extends SchedulePlugin<?>> plugin) {
        register(SCHEDULES, name, plugin);
    }

    protected final void logger(String name, Class<? extends LoggerPlugin<?>> plugin) {
        register(LOGGERS, name, plugin);
    }

    // [issue-13] samplers as a plugin kind
    protected final void sampler(String name, Class<? extends SamplerPlugin<?>> plugin) {
        register(SAMPLERS, name, plugin);
    }

    private <V> void register(TypeLiteral<V> type, String name, Class<? extends V> plugin) {
        if (!NAME.matcher(name).matches()) {
            addError("plugin name '%s' of %s is not lower-kebab-case", name, plugin.getName());
            return;
        }
        registered.add(type.getRawType().getSimpleName().replace("Plugin", "").toLowerCase(java.util.Locale.ROOT)
                + " plugin '" + name + "'");
        bind(plugin);
        MapBinder.newMapBinder(binder(), TypeLiteral.get(String.class), type).addBinding(name).to(plugin);
    }

    /** What this module registers, as "noise plugin 'gaussian'" (after it has been configured once). */
    java.util.Set<String> registered() {
        return registered;
    }

    /** Declares the (possibly empty) maps so that a kind without plugins still injects. */
    static void declareAll(com.google.inject.Binder binder) {
        for (TypeLiteral<?> t : new TypeLiteral<?>[] {DATASETS, ENERGIES, NOISES, OBJECTIVES, SCHEDULES, LOGGERS,
                SAMPLERS /* [issue-13] */}) {
            MapBinder.newMapBinder(binder, TypeLiteral.get(String.class), t);
        }
    }
}
