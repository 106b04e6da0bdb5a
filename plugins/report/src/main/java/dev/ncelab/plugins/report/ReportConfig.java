package dev.ncelab.plugins.report;

import dev.ncelab.core.config.Param;

/** The {@code logging: {report: {...}}} section: the run's {@code report.html}. */
public record ReportConfig(
        @Param(doc = "write report.html in the run directory (config, summary, learning curves, density panels), "
                + "rebuilt at each epoch's density plot and at the end", value = "true") boolean enabled,
        @Param(doc = "also write a viridis copy of each density plot (plots/viridis/), which the page offers "
                + "beside the stored jet colours", value = "true") boolean viridis) {}
