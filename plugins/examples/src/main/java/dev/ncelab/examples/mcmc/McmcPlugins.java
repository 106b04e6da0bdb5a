package dev.ncelab.examples.mcmc;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.sample.Sampler;
import dev.ncelab.core.schedule.Schedule;

/** The example jar's sampler, objective and schedule plugins. */
public final class McmcPlugins {
    private McmcPlugins() {}

    /** {@code sampler: {type: metropolis}}. */
    public static final class Metropolis implements Plugin<MetropolisConfig, Sampler> {
        @Override
        public Class<MetropolisConfig> configType() {
            return MetropolisConfig.class;
        }

        @Override
        public String doc() {
            return "random-walk Metropolis on the EBM (no gradients), persistent chains by default";
        }

        @Override
        public Sampler create(MetropolisConfig config, PluginContext context) {
            return new MetropolisSampler(config, context.dimension());
        }
    }

    /** {@code objective: {type: simple-cd}}. */
    public record SimpleCdConfig(
            @Param(doc = "weight of the squared energies that keep them near 0", value = "0.1") double l2) {
        public SimpleCdConfig {
            Checks.nonNegative("l2", l2);
        }
    }

    /** A minimal contrastive divergence with the experiment's sampler. */
    public static final class SimpleCd implements Plugin<SimpleCdConfig, Objective> {
        @Override
        public Class<SimpleCdConfig> configType() {
            return SimpleCdConfig.class;
        }

        @Override
        public String doc() {
            return "a minimal contrastive divergence with the experiment's sampler (does not learn c = log Z)";
        }

        @Override
        public Objective create(SimpleCdConfig config, PluginContext context) {
            return new SimpleCdObjective(context.require(PluginKind.ENERGY, EnergyModel.class),
                    context.require(PluginKind.SAMPLER, Sampler.class), config.l2());
        }
    }

    /** {@code schedule: {type: threshold-decay}}. */
    public static final class Decay implements Plugin<DecayConfig, Schedule> {
        @Override
        public Class<DecayConfig> configType() {
            return DecayConfig.class;
        }

        @Override
        public String doc() {
            return "FCE with a threshold moving linearly from start to end over `steps` steps";
        }

        @Override
        public Schedule create(DecayConfig config, PluginContext context) {
            return new DecaySchedule(config);
        }
    }
}
