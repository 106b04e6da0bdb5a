package dev.ncelab.plugins.training;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.schedule.Schedule;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/** The schedule plugins: {@code nce}, {@code fce}, {@code alternate} and {@code warmup}. */
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

    /** {@code schedule: {type: alternate}}. */
    public record AlternateConfig(
            @Param(doc = "energy-model steps in each round", value = "1") int energySteps,
            @Param(doc = "noise-model (flow) steps in each round", value = "1") int noiseSteps) {
        public AlternateConfig {
            Checks.inRange("energy_steps", energySteps, 1, 1_000_000);
            Checks.inRange("noise_steps", noiseSteps, 1, 1_000_000);
        }
    }

    /** {@code schedule: {type: warmup}}. */
    public record WarmupConfig(
            @Param(doc = "steps of plain NCE (only the EBM learns) before FCE's alternation starts", value = "1000")
                    long steps,
            @Param(doc = "FCE's accuracy threshold after the warm-up", value = "0.6") double threshold) {
        public WarmupConfig {
            Checks.inRange("steps", steps, 0, Long.MAX_VALUE);
            Checks.inRange("threshold", threshold, 0, 1);
        }
    }

    /** {@code nce}: the objective's first player learns every step (the EBM; the flow for objective mle). */
    public static final class Nce implements Plugin<NoConfig, Schedule> {
        @Override
        public Class<NoConfig> configType() {
            return NoConfig.class;
        }

        @Override
        public String doc() {
            return "one learner every step: the objective's first (the energy model; the flow for objective mle)";
        }

        @Override
        public Schedule create(NoConfig config, PluginContext context) {
            return new Schedule() {
                private String only;

                @Override
                public Set<String> needs() {
                    return Set.of();
                }

                @Override
                public String first(List<String> players) {
                    only = players.get(0);
                    return only;
                }

                @Override
                public String next(Previous previous) {
                    return only;
                }
            };
        }
    }

    /**
     * {@code fce}: Flow Contrastive Estimation (Gao et al. 2020). One player per step; the first step trains the
     * EBM; the next step trains the flow when this step's accuracy (measured before its update) is strictly
     * above the threshold, else the EBM.
     */
    public static final class Fce implements Plugin<FceConfig, Schedule> {
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
            return new Threshold(0, config.threshold());
        }
    }

    /** {@code warmup}: plain NCE for a number of steps, then FCE. */
    public static final class Warmup implements Plugin<WarmupConfig, Schedule> {
        @Override
        public Class<WarmupConfig> configType() {
            return WarmupConfig.class;
        }

        @Override
        public String doc() {
            return "NCE warm-up: only the EBM learns for `steps` steps, then FCE's threshold alternation";
        }

        @Override
        public Schedule create(WarmupConfig config, PluginContext context) {
            return new Threshold(config.steps(), config.threshold());
        }
    }

    /** FCE's rule after an optional warm-up: stateless, since it depends on the step number only. */
    private record Threshold(long warmup, double threshold) implements Schedule {
        @Override
        public Set<String> needs() {
            return Set.of(Player.ENERGY, Player.NOISE);
        }

        @Override
        public String first(List<String> players) {
            return Player.ENERGY;
        }

        @Override
        public String next(Previous p) {
            return p.step() >= warmup && p.metric("accuracy") > threshold ? Player.NOISE : Player.ENERGY;
        }
    }

    /** {@code alternate}: k EBM steps then m flow steps, in turn, whatever the accuracy; its phase is checkpointed. */
    public static final class Alternate implements Plugin<AlternateConfig, Schedule> {
        @Override
        public Class<AlternateConfig> configType() {
            return AlternateConfig.class;
        }

        @Override
        public String doc() {
            return "fixed alternation: energy_steps EBM steps, then noise_steps flow steps, and again";
        }

        @Override
        public Schedule create(AlternateConfig config, PluginContext context) {
            int round = config.energySteps() + config.noiseSteps();
            return new Schedule() {
                private long done;

                @Override
                public Set<String> needs() {
                    return Set.of(Player.ENERGY, Player.NOISE);
                }

                @Override
                public String first(List<String> players) {
                    return Player.ENERGY;
                }

                @Override
                public String next(Previous previous) {
                    done++;
                    return done % round < config.energySteps() ? Player.ENERGY : Player.NOISE;
                }

                @Override
                public void save(DataOutputStream out) throws IOException {
                    out.writeLong(done);
                }

                @Override
                public void load(DataInputStream in) throws IOException {
                    done = in.readLong();
                }
            };
        }
    }
}
