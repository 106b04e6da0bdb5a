package dev.ncelab.plugins.training;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.plugin.ObjectivePlugin;
import dev.ncelab.core.plugin.PluginContext;

/** The objective plugins: {@code nce} and {@code ranking-nce}. */
public final class ObjectivePlugins {
    private ObjectivePlugins() {}

    /** {@code objective: {type: nce}}. */
    public record NceConfig(@Param(doc = "noise ratio: noise samples per data sample", value = "1") int nu) {
        public NceConfig {
            Checks.inRange("nu", nu, 1, 1024);
        }
    }

    /** {@code objective: {type: ranking-nce}}. */
    public record RankingConfig(@Param(doc = "group size: one data point and k-1 noise points", value = "16") int k) {
        public RankingConfig {
            Checks.inRange("k", k, 2, 1024);
        }
    }

    /** NCE with noise ratio nu. */
    public static final class Nce implements ObjectivePlugin<NceConfig> {
        @Override
        public Class<NceConfig> configType() {
            return NceConfig.class;
        }

        @Override
        public String doc() {
            return "noise contrastive estimation with noise ratio nu (nu = 1: the reference value function)";
        }

        @Override
        public Objective create(NceConfig config, PluginContext context) {
            return new NceObjective(config.nu());
        }
    }

    /** Ranking NCE / InfoNCE. */
    public static final class Ranking implements ObjectivePlugin<RankingConfig> {
        @Override
        public Class<RankingConfig> configType() {
            return RankingConfig.class;
        }

        @Override
        public String doc() {
            return "ranking NCE / InfoNCE: pick the data point among k (c = log Z is not identified)";
        }

        @Override
        public Objective create(RankingConfig config, PluginContext context) {
            return new RankingNceObjective(config.k());
        }
    }
}
