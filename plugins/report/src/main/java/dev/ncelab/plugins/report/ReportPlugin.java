package dev.ncelab.plugins.report;

import com.google.inject.Inject;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.run.RunLogger;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.run.RunLogger;

/** {@code logging: {report: {...}}}: a self-contained {@code report.html} per run (on unless disabled). */
public final class ReportPlugin implements Plugin<ReportConfig, RunLogger> {
    @Inject
    public ReportPlugin() {}

    @Override
    public Class<ReportConfig> configType() {
        return ReportConfig.class;
    }

    @Override
    public String doc() {
        return "report.html in the run directory: config, summary, learning curves and density panels, opened "
                + "from disk with no server or network";
    }

    @Override
    public RunLogger create(ReportConfig config, PluginContext context) {
        if (!config.enabled() || context.runDirectory() == null) {
            return RunLogger.NONE;
        }
        return new ReportLogger(context.runDirectory(), config.viridis());
    }
}
