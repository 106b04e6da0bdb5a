package dev.ncelab.runners;

import dev.ncelab.core.config.Describer;
import dev.ncelab.core.config.Names;
import dev.ncelab.core.experiment.LoggingConfig;
import dev.ncelab.core.experiment.TrainingConfig;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginRegistry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ncelab describe noise gaussian}: every key of a plugin with type, default and doc. */
@Command(name = "describe", description = "Print the keys of a plugin (or of training, logging) with type, "
        + "default and doc.")
final class DescribeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "KIND", description = "a plugin kind (dataset, energy, noise, sampler, "
            + "objective, schedule, logger, or one a plugin jar adds), training or logging")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "the plugin's registered name")
    String name;

    @Override
    public Integer call() {
        if (kind.equals("training") || kind.equals("logging")) {
            System.out.print(Describer.table(Describer.keys(kind.equals("training") ? TrainingConfig.class
                    : LoggingConfig.class)));
            return 0;
        }
        PluginRegistry registry = PluginLoader.registry(main.pluginDirs);
        PluginKind k = registry.kind(kind);
        List<String> kinds = registry.kinds().stream().map(PluginKind::key).toList();
        if (k == null) {
            System.err.println("error: unknown kind '" + kind + "'" + Names.didYouMean(kind, kinds)
                    + "; kinds: " + String.join(", ", kinds) + ", training, logging");
            return 2;
        }
        if (name == null) {
            System.err.println("error: name the " + kind + " plugin; registered: "
                    + String.join(", ", registry.of(k).keySet()));
            return 2;
        }
        Plugin<?, ?> p = registry.find(k, name);
        if (p == null) {
            System.err.println("error: unknown " + kind + " plugin '" + name + "'"
                    + Names.didYouMean(name, registry.of(k).keySet()) + "; registered: "
                    + String.join(", ", registry.of(k).keySet()));
            return 2;
        }
        System.out.println(kind + " " + name + ": " + p.doc());
        System.out.print(Describer.table(Describer.keys(p.configType())));
        return 0;
    }
}
