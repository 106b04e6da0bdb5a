package dev.ncelab.plugins.wandb;

import dev.ncelab.core.plugin.Plugin;
import com.google.inject.Inject;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.run.RunLogger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code logging: {wandb: {...}}}: logs a run to Weights & Biases (or, offline, to {@code <run>/wandb/} for a
 * later {@code ncelab wandb-sync}). Returns {@link RunLogger#NONE} when W&B is not switched on. The process
 * environment and home directory are read here, once, and handed on; tests pass their own.
 */
public final class WandbPlugin implements Plugin<WandbConfig, RunLogger> {
    private final Map<String, String> env;
    private final Path home;
    private final Tuning tuning;

    @Inject
    public WandbPlugin() {
        this(System.getenv(), Path.of(System.getProperty("user.home")), Tuning.defaults());
    }

    /** A plugin that reads {@code env} and {@code home} instead of the process's, with the given timing. */
    public WandbPlugin(Map<String, String> env, Path home, Tuning tuning) {
        this.env = Map.copyOf(env);
        this.home = home;
        this.tuning = tuning;
    }

    @Override
    public Class<WandbConfig> configType() {
        return WandbConfig.class;
    }

    @Override
    public String doc() {
        return "Weights & Biases: metrics, summary and density plots, online or offline (then 'ncelab wandb-sync')";
    }

    @Override
    public RunLogger create(WandbConfig config, PluginContext context) {
        WandbSettings settings = WandbSettings.resolve(config, env, home);
        if (!settings.active()) {
            return RunLogger.NONE;
        }
        return new WandbLogger(settings, tuning.withTransmit(seconds(config.flushEvery()),
                seconds(config.finishTimeout())));
    }

    static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }
}
