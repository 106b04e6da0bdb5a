package dev.ncelab.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import com.google.inject.spi.Message;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds the plugin modules on a class path (ServiceLoader) and builds the one injector of a process. */
public final class Plugins {
    private Plugins() {}

    /** Thrown when a plugin jar cannot be loaded, or two plugins claim one name. */
    public static final class PluginLoadException extends RuntimeException {
        public PluginLoadException(String message) {
            super(message);
        }
    }

    public static List<PluginModule> discover(ClassLoader loader) {
        List<PluginModule> modules = new ArrayList<>();
        Iterator<PluginModule> it = ServiceLoader.load(PluginModule.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                modules.add(it.next());
            } catch (ServiceConfigurationError e) {
                throw new PluginLoadException("a plugin module could not be loaded: " + e.getMessage()
                        + (e.getCause() != null ? " (" + e.getCause() + ")" : ""));
            }
        }
        return modules;
    }

    /** The registry of every plugin the modules register; duplicate names fail here, naming the plugin. */
    public static PluginRegistry registry(List<? extends PluginModule> modules) {
        java.util.Map<String, PluginModule> owners = new java.util.LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (PluginModule m : modules) {
            com.google.inject.spi.Elements.getElements(m); // a dry pass: records what the module registers
            for (String plugin : m.registered()) {
                PluginModule other = owners.putIfAbsent(plugin, m);
                if (other != null) {
                    duplicates.add(plugin + " is registered by " + origin(other) + " and again by " + origin(m));
                }
            }
        }
        if (!duplicates.isEmpty()) {
            throw new PluginLoadException(String.join("\n  ", duplicates)
                    + "\n  remove one of the jars, or rename the plugin");
        }
        List<com.google.inject.Module> all = new ArrayList<>(modules);
        all.add(new AbstractModule() {
            @Override
            protected void configure() {
                binder().requireExplicitBindings();
                PluginModule.declareAll(binder());
                bind(PluginRegistry.class);
            }
        });
        try {
            Injector injector = Guice.createInjector(Stage.PRODUCTION, all);
            return injector.getInstance(PluginRegistry.class);
        } catch (CreationException e) {
            throw new PluginLoadException("plugins could not be registered:\n  " + e.getErrorMessages().stream()
                    .map(Message::getMessage).map(m -> m.replaceAll("\\s+", " ")).collect(Collectors.joining("\n  ")));
        }
    }

    /** A module's class and the jar or directory it was loaded from. */
    static String origin(PluginModule m) {
        var source = m.getClass().getProtectionDomain().getCodeSource();
        return m.getClass().getName() + (source == null ? "" : " (" + source.getLocation().getPath() + ")");
    }

    public static PluginRegistry registry(ClassLoader loader) {
        return registry(discover(loader));
    }
}
