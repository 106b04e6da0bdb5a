package dev.ncelab.plugins.training;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.config.Param;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.sample.Sampler;
import java.util.List;

/** The objectives that need no noise model: {@code cd} (with a sampler) and {@code dsm}. */
public final class EstimatorPlugins {
    private EstimatorPlugins() {}

    /** {@code objective: {type: cd}}. */
    public record CdConfig(
            @Param(doc = "weight of the energy-magnitude regulariser alpha (mean E(x+)^2 + mean E(x-)^2), Du and "
                    + "Mordatch 2019; 0 turns it off", value = "0.1") double alpha,
            @Param(doc = "MCMC samples per step (0: as many as the batch)", value = "0") int negatives) {
        public CdConfig {
            Checks.nonNegative("alpha", alpha);
            Checks.inRange("negatives", negatives, 0, 1_000_000);
        }
    }

    /** {@code objective: {type: dsm}}. */
    public record DsmConfig(
            @Param(doc = "the noise level sigma of x~ = x + sigma eps (one level)", value = "0.1") double sigma,
            @Param(doc = "several noise levels instead of sigma: each point draws one uniformly, its squared error "
                    + "weighted by sigma^2 (Song and Ermon 2019); null: sigma alone", value = "null")
                    List<Double> sigmas) {
        public DsmConfig {
            Checks.positive("sigma", sigma);
            if (sigmas != null) {
                Checks.nonEmpty("sigmas", sigmas);
                Checks.that(sigmas.stream().allMatch(s -> s != null && s > 0 && Double.isFinite(s)), "sigmas",
                        "expected positive noise levels, found " + sigmas);
            }
        }

        double[] levels() {
            return sigmas == null ? new double[] {sigma} : sigmas.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /** Contrastive divergence with the experiment's sampler. */
    public static final class Cd implements Plugin<CdConfig, Objective> {
        @Override
        public Class<CdConfig> configType() {
            return CdConfig.class;
        }

        @Override
        public String doc() {
            return "contrastive divergence / maximum likelihood with MCMC negatives from the sampler section "
                    + "(langevin; persistent chains: init buffer), energy-magnitude regulariser alpha. It does not "
                    + "learn c = log Z: judge it by log_z_quadrature and the normalised test_loglik";
        }

        @Override
        public Objective create(CdConfig config, PluginContext context) {
            EnergyModel energy = context.require(PluginKind.ENERGY, EnergyModel.class);
            Sampler sampler = context.optional(PluginKind.SAMPLER, Sampler.class).orElseThrow(() ->
                    new ConfigException("", "sampler", "objective 'cd' draws its negatives by MCMC: add a sampler "
                            + "section, e.g. sampler: {type: langevin, init: buffer, steps: 20, step_size: 0.01}"));
            return new CdObjective(energy, sampler, config.alpha(), config.negatives());
        }
    }

    /** Denoising score matching. */
    public static final class Dsm implements Plugin<DsmConfig, Objective> {
        @Override
        public Class<DsmConfig> configType() {
            return DsmConfig.class;
        }

        @Override
        public String doc() {
            return "denoising score matching (Vincent 2011): the EBM's score at x + sigma eps matches -eps/sigma; "
                    + "several sigmas weighted by sigma^2. The score ignores c = log Z, so c is not learned: judge it"
                    + " by log_z_quadrature and the normalised test_loglik (the model is the data smoothed by sigma)";
        }

        @Override
        public Objective create(DsmConfig config, PluginContext context) {
            return new DsmObjective(context.require(PluginKind.ENERGY, EnergyModel.class), config.levels());
        }
    }
}
