package dev.ncelab.plugins.report;

import dev.ncelab.core.plugin.PluginModule;

/** Registers the {@code report} logger. */
public final class ReportModule extends PluginModule {
    @Override
    protected void configure() {
        logger("report", ReportPlugin.class);
    }
}
