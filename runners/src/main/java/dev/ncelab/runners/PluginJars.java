package dev.ncelab.runners;

import dev.ncelab.core.plugin.PluginModule;
import dev.ncelab.core.plugin.Plugins;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Finds plugin jars that provide the same {@link PluginModule} class (two versions of one plugin, a copy left
 * behind): read from each jar's {@code META-INF/services} list, before any class is loaded, because the
 * class loader would otherwise let the first on the path win silently. A jar that repeats a module already on
 * the class path (a copy of a built-in plugin) counts too.
 */
final class PluginJars {
    static final String SERVICES = "META-INF/services/" + PluginModule.class.getName();

    private PluginJars() {}

    /** Throws a {@link Plugins.PluginLoadException} naming both jars of every module class provided twice. */
    static void checkNoDuplicateModules(List<Path> jars, ClassLoader classPath) {
        Map<String, String> owner = new LinkedHashMap<>();
        try {
            Enumeration<URL> builtIn = classPath.getResources(SERVICES);
            while (builtIn.hasMoreElements()) {
                URL url = builtIn.nextElement();
                try (InputStream in = url.openStream()) {
                    for (String module : modules(in)) {
                        owner.putIfAbsent(module, "the class path (" + where(url) + ")");
                    }
                }
            }
        } catch (IOException e) {
            throw new Plugins.PluginLoadException("cannot read the plugin list of the class path: " + e.getMessage());
        }
        List<String> duplicates = new ArrayList<>();
        for (Path jar : jars) {
            for (String module : modules(jar)) {
                String other = owner.putIfAbsent(module, jar.toString());
                if (other != null) {
                    duplicates.add("plugin module " + module + " is provided by " + other + " and again by " + jar);
                }
            }
        }
        if (!duplicates.isEmpty()) {
            throw new Plugins.PluginLoadException(String.join("\n  ", duplicates)
                    + "\n  keep one version of the plugin: remove the other jar from its plugin directory");
        }
    }

    /** The module classes a jar lists; none when it lists none. */
    static List<String> modules(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            ZipEntry e = f.getEntry(SERVICES);
            if (e == null) {
                return List.of();
            }
            try (InputStream in = f.getInputStream(e)) {
                return modules(in);
            }
        } catch (IOException e) {
            throw new Plugins.PluginLoadException("plugin jar " + jar + " is not a readable jar (" + e.getMessage()
                    + "): rebuild it or remove it from " + jar.getParent());
        }
    }

    /** The class names of a services file: one a line, {@code #} comments and blanks ignored. */
    static List<String> modules(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            int hash = line.indexOf('#');
            String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!name.isEmpty()) {
                out.add(name);
            }
        }
        return out;
    }

    private static String where(URL url) {
        String s = url.toString();
        int bang = s.indexOf("!/");
        return bang > 0 ? s.substring(0, bang).replaceFirst("^jar:", "").replaceFirst("^file:", "")
                : s.replaceFirst("^file:", "").replace("/" + SERVICES, "");
    }
}
