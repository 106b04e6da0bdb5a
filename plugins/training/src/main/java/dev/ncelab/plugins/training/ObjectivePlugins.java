package dev.ncelab.plugins.training;

import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.plugin.PluginKind;

/** The objective plugins: {@code nce}, {@code ranking-nce} and {@code mle}. */
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
    public static final class Nce implements Plugin<NceConfig, Objective> {
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
            return new NceObjective(context.require(PluginKind.ENERGY, EnergyModel.class),
                    context.require(PluginKind.NOISE, NoiseModel.class), config.nu(), context.manager());
        }
    }

    /** Ranking NCE / InfoNCE. */
    public static final class Ranking implements Plugin<RankingConfig, Objective> {
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
            return new RankingNceObjective(context.require(PluginKind.ENERGY, EnergyModel.class),
                    context.require(PluginKind.NOISE, NoiseModel.class), config.k(), context.manager());
        }
    }

    /** {@code objective: {type: mle}}: the flow alone, by maximum likelihood. */
    public static final class Mle implements Plugin<NoConfig, Objective> {
        @Override
        public Class<NoConfig> configType() {
            return NoConfig.class;
        }

        @Override
        public String doc() {
            return "maximum likelihood of the noise model (a flow) alone, the baseline; the energy model does not learn";
        }

        @Override
        public Objective create(NoConfig config, PluginContext context) {
            NoiseModel flow = context.require(PluginKind.NOISE, NoiseModel.class);
            if (!flow.trainable()) {
                throw new ConfigException("", "objective.type", "objective 'mle' trains the noise model, but it is "
                        + "fixed: use noise.type maf or glow");
            }
            return new MleObjective(flow);
        }
    }

    /** An objective without keys. */
    public record NoConfig() {}
}
