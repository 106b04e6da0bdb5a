package dev.ncelab.plugins.wandb;

import dev.ncelab.core.plugin.PluginModule;

/** Registers the {@code wandb} logger. */
public final class WandbModule extends PluginModule {
    @Override
    protected void configure() {
        logger("wandb", WandbPlugin.class);
    }
}
