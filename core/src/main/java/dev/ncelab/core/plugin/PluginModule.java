package dev.ncelab.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The base of every plugin family's Guice module. Subclasses register plugins by kind and name in
 * {@link #configure()} and are listed in {@code META-INF/services/dev.ncelab.core.plugin.PluginModule}, so that a
 * jar on the class path (or in a {@code --plugins} directory) installs them. Modules only bind: no I/O, no
 * tensors. A new kind of plugin needs no change here: declare a {@link PluginKind} and {@link #register} under it.
 */
public abstract class PluginModule extends AbstractModule {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    static final TypeLiteral<Plugin<?, ?>> PLUGIN = new TypeLiteral<>() {};

    /** kind:name of every plugin this module registered, filled when Guice (or a dry pass) configures it. */
    private final Set<String> registered = new LinkedHashSet<>();

    /** Registers a plugin class (bound by Guice, so it may {@code @Inject} what it needs). */
    protected final void register(PluginKind kind, String name, Class<? extends Plugin<?, ?>> plugin) {
        if (accept(kind, name, plugin.getName())) {
            bind(plugin);
            plugins(binder()).addBinding(kind.key() + ":" + name).to(plugin);
        }
    }

    /** Registers a plugin instance (for plugins that differ only by a constant, without empty subclasses). */
    protected final void register(PluginKind kind, String name, Plugin<?, ?> plugin) {
        if (accept(kind, name, plugin.getClass().getName())) {
            plugins(binder()).addBinding(kind.key() + ":" + name).toInstance(plugin);
        }
    }

    protected final void dataset(String name, Class<? extends Plugin<?, ?>> plugin) {
        register(PluginKind.DATASET, name, plugin);
    }

    protected final void energy(String name, Class<? extends Plugin<?, ?>> plugin) {
        register(PluginKind.ENERGY, name, plugin);
    }

    protected final void noise(String name, Class<? extends Plugin<?, ?>> plugin) {
        register(PluginKind.NOISE, name, plugin);
    }

    protected final void objective(String name, Class<? extends Plugin<?, ?>> plugin) {
        register(PluginKind.OBJECTIVE, name, plugin);
    }

    protected final void schedule(String name, Class<? extends Plugin<?, ?>> plugin) {
        register(PluginKind.SCHEDULE, name, plugin);
    }

    protected final void sampler(String name, Class<? extends Plugin<?, ?>> plugin) {
        register(PluginKind.SAMPLER, name, plugin);
    }

    protected final void logger(String name, Class<? extends Plugin<?, ?>> plugin) {
        register(PluginKind.LOGGER, name, plugin);
    }

    private boolean accept(PluginKind kind, String name, String className) {
        if (!NAME.matcher(name).matches() || !NAME.matcher(kind.key()).matches()) {
            addError("plugin name '%s' (kind '%s') of %s is not lower-kebab-case", name, kind.key(), className);
            return false;
        }
        registered.add(kind.key() + " plugin '" + name + "'");
        Multibinder.newSetBinder(binder(), PluginKind.class).addBinding().toInstance(kind);
        return true;
    }

    private static MapBinder<String, Plugin<?, ?>> plugins(com.google.inject.Binder binder) {
        return MapBinder.newMapBinder(binder, TypeLiteral.get(String.class), PLUGIN);
    }

    /** What this module registers, as "noise plugin 'gaussian'" (after it has been configured once). */
    Set<String> registered() {
        return registered;
    }

    /** Declares the (possibly empty) collections, and core's kinds, so that an injector without plugins works. */
    static void declareAll(com.google.inject.Binder binder) {
        plugins(binder);
        Multibinder<PluginKind> kinds = Multibinder.newSetBinder(binder, PluginKind.class);
        kinds.permitDuplicates();
        PluginKind.CORE.forEach(k -> kinds.addBinding().toInstance(k));
    }
}
