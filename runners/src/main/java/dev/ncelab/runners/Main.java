package dev.ncelab.runners;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code ncelab} command line. Exit codes: 0 finished, 1 failed or diverged, 2 bad input, 130 interrupted. */
@Command(name = "ncelab", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train energy-based models by noise and flow contrastive estimation.")
public final class Main {
    /**
     * The subcommands. A command line that names one builds only that one's picocli model (start-up time:
     * docs/startup.md); help, no command or an unknown one builds them all.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(RunCommand.class, PluginsCommand.class, DescribeCommand.class,
            BenchCommand.class, WandbSyncCommand.class, dev.ncelab.runners.sweep.SweepCommand.class,
            SampleCommand.class, ImputeCommand.class, ScoreCommand.class,
            dev.ncelab.runners.report.ReportCommand.class, dev.ncelab.runners.report.CompareCommand.class,
            CommandLine.HelpCommand.class);

    @Option(names = "--plugins", paramLabel = "DIR", description = "load every plugin jar in DIR (repeatable; "
            + "also NCELAB_PLUGINS, a path list, and the experiment's plugins: key)")
    List<Path> pluginDirs = new ArrayList<>();

    public static void main(String[] args) {
        dev.ncelab.core.run.Startup.mark("main");
        if (trains(args)) {
            EngineLoader.startLoading();
        }
        System.exit(execute(args));
    }

    /** Whether the command line runs {@code run} or {@code bench} (which load the engine at once, so start it). */
    static boolean trains(String... args) {
        String sub = subcommand(args);
        return "run".equals(sub) || "bench".equals(sub);
    }

    /** The first word after the top-level options ({@code --plugins DIR}), or null. */
    static String subcommand(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--plugins")) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return args[i];
            }
        }
        return null;
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        String sub = subcommand(args);
        boolean known = SUBCOMMANDS.stream().anyMatch(c -> name(c).equals(sub));
        for (Class<?> c : SUBCOMMANDS) {
            if (!known || sub.equals("help") || name(c).equals(sub)) {
                cli.addSubcommand(c);
            }
        }
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // W&B's agent can also pass overrides as ${args}: --key=value; they reach `run` as positional overrides
        if (cli.getSubcommands().containsKey("run")) {
            cli.getSubcommands().get("run").setUnmatchedOptionsArePositionalParams(true);
        }
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage());
            ex.getCommandLine().getErr().println("try: " + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof dev.ncelab.core.config.ConfigException) {
                c.getErr().println(ex.getMessage());
                return 2;
            }
            if (ex instanceof dev.ncelab.core.plugin.Plugins.PluginLoadException) {
                c.getErr().println("error: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cli.execute(args);
    }

    static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"ncelab " + (v == null ? "dev" : v)};
        }
    }
}
