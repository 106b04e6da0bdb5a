package dev.ncelab.runners;

import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.plugin.Plugins;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds the plugin registry from the class path plus every jar in the plugin directories (from
 * {@code --plugins}, {@code NCELAB_PLUGINS} and the experiment's {@code plugins:} key). Two jars providing the
 * same plugin module class are an error naming both ({@link PluginJars}).
 */
public final class PluginLoader {
    /**
     * Registries already built in this JVM, by their jars (path, size, time): a warm sweep worker sets {@link
     * #REUSE} and builds the Guice registry once, not once per point. Plugins are stateless factories, so a reused
     * registry makes the same components.
     */
    private static final java.util.Map<List<String>, PluginRegistry> BUILT = new java.util.concurrent.ConcurrentHashMap<>();
    /** The system property that turns the reuse on ({@code true}). */
    public static final String REUSE = "ncelab.reuse-registry";

    private PluginLoader() {}

    public static PluginRegistry registry(List<Path> dirs) {
        Set<Path> all = new LinkedHashSet<>(dirs);
        String env = System.getenv("NCELAB_PLUGINS");
        if (env != null && !env.isBlank()) {
            for (String p : env.split(File.pathSeparator)) {
                if (!p.isBlank()) {
                    all.add(Path.of(p));
                }
            }
        }
        List<URL> jars = new ArrayList<>();
        List<Path> jarPaths = new ArrayList<>();
        for (Path dir : all) {
            if (!Files.isDirectory(dir)) {
                throw new Plugins.PluginLoadException("plugin directory " + dir + " does not exist");
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                    try (java.util.jar.JarFile check = new java.util.jar.JarFile(jar.toFile())) {
                        check.size();
                    } catch (IOException e) {
                        throw new Plugins.PluginLoadException("plugin jar " + jar + " is not a readable jar ("
                                + e.getMessage() + "): rebuild it or remove it from " + dir);
                    }
                    jars.add(jar.toUri().toURL());
                    jarPaths.add(jar);
                }
            } catch (MalformedURLException e) {
                throw new Plugins.PluginLoadException("bad plugin path: " + e.getMessage());
            } catch (IOException e) {
                throw new Plugins.PluginLoadException("cannot list plugin directory " + dir + ": " + e.getMessage());
            }
        }
        List<String> key = new ArrayList<>();
        for (Path jar : jarPaths) {
            key.add(jar.toAbsolutePath() + "|" + jar.toFile().length() + "|" + jar.toFile().lastModified());
        }
        boolean reuse = Boolean.getBoolean(REUSE);
        PluginRegistry registry = reuse ? BUILT.get(key) : null;
        if (registry == null) {
            ClassLoader parent = PluginLoader.class.getClassLoader();
            PluginJars.checkNoDuplicateModules(jarPaths, parent);
            ClassLoader loader = jars.isEmpty() ? parent : new URLClassLoader(jars.toArray(URL[]::new), parent);
            registry = Plugins.registry(loader);
            if (reuse) {
                BUILT.put(key, registry);
            }
        }
        dev.ncelab.core.run.Startup.mark("plugins");
        return registry;
    }
}
