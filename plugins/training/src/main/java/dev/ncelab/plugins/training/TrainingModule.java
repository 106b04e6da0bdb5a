package dev.ncelab.plugins.training;

import dev.ncelab.core.plugin.PluginModule;

/** Registers the objectives (nce, ranking-nce, mle, cd, dsm) and schedules. */
public final class TrainingModule extends PluginModule {
    @Override
    protected void configure() {
        objective("nce", ObjectivePlugins.Nce.class);
        objective("ranking-nce", ObjectivePlugins.Ranking.class);
        objective("mle", ObjectivePlugins.Mle.class);
        objective("cd", EstimatorPlugins.Cd.class);
        objective("dsm", EstimatorPlugins.Dsm.class);
        schedule("nce", SchedulePlugins.Nce.class);
        schedule("fce", SchedulePlugins.Fce.class);
        schedule("warmup", SchedulePlugins.Warmup.class);
        schedule("alternate", SchedulePlugins.Alternate.class);
    }
}
