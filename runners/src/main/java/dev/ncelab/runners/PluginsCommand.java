package dev.ncelab.runners;

import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginRegistry;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code ncelab plugins}: every registered plugin, by kind. */
@Command(name = "plugins", description = "List the registered plugins by kind.")
final class PluginsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        PluginRegistry registry = PluginLoader.registry(main.pluginDirs);
        for (PluginKind kind : registry.kinds()) {
            System.out.println(kind.key() + ": " + kind.doc());
            for (Map.Entry<String, Plugin<?, ?>> e : registry.of(kind).entrySet()) {
                System.out.printf("  %-14s %s%n", e.getKey(), e.getValue().doc());
            }
        }
        return 0;
    }
}
