package dev.ncelab.plugins.training;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.plugin.SchedulePlugin;
import dev.ncelab.core.schedule.Move;
import dev.ncelab.core.schedule.Schedule;

/** The schedule plugins: {@code nce}, {@code fce} and {@code mle}. */
public final class SchedulePlugins {
    private SchedulePlugins() {}

    /** A schedule without keys. */
    public record NoConfig() {}

    /** {@code schedule: {type: fce}}. */
    public record FceConfig(
            @Param(doc = "train the flow next while the classifier's accuracy is above this, else the EBM",
                    value = "0.6") double threshold) {
        public FceConfig {
            Checks.inRange("threshold", threshold, 0, 1);
        }
    }

    /**
     * A schedule given by its rule: the first move, the next move from this step's accuracy, and whether it
     * ever trains the noise or the energy model.
     */
    private record Rule(Move first, java.util.function.DoubleFunction<Move> byAccuracy, boolean trainsNoise,
            boolean trainsEnergy) implements Schedule {
        @Override
        public Move next(Move played, double value, double accuracy) {
            return byAccuracy.apply(accuracy);
        }
    }

    /** {@code nce}: the energy model learns every step against fixed noise. */
    public static final class Nce implements SchedulePlugin<NoConfig> {
        @Override
        public Class<NoConfig> configType() {
            return NoConfig.class;
        }

        @Override
        public String doc() {
            return "plain NCE: the energy model learns every step";
        }

        @Override
        public Schedule create(NoConfig config, PluginContext context) {
            return new Rule(Move.ENERGY, accuracy -> Move.ENERGY, false, true);
        }
    }

    /**
     * {@code fce}: Flow Contrastive Estimation (Gao et al. 2020). One player per step; the first step trains the
     * EBM; the next step trains the flow when this step's accuracy (measured before its update) is strictly
     * above the threshold, else the EBM.
     */
    public static final class Fce implements SchedulePlugin<FceConfig> {
        @Override
        public Class<FceConfig> configType() {
            return FceConfig.class;
        }

        @Override
        public String doc() {
            return "flow contrastive estimation: the flow learns while accuracy > threshold, else the EBM";
        }

        @Override
        public Schedule create(FceConfig config, PluginContext context) {
            double threshold = config.threshold();
            return new Rule(Move.ENERGY, accuracy -> accuracy > threshold ? Move.NOISE : Move.ENERGY, true, true);
        }
    }

    /** {@code mle}: only the noise model learns, by maximum likelihood on the data. */
    public static final class Mle implements SchedulePlugin<NoConfig> {
        @Override
        public Class<NoConfig> configType() {
            return NoConfig.class;
        }

        @Override
        public String doc() {
            return "maximum likelihood of the noise model (a flow) alone; the energy model does not learn";
        }

        @Override
        public Schedule create(NoConfig config, PluginContext context) {
            return new Rule(Move.NOISE_MLE, accuracy -> Move.NOISE_MLE, true, false);
        }
    }
}
