package dev.ncelab.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.experiment.ExperimentConfig;
import dev.ncelab.core.experiment.PluginSpec;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.schedule.Schedule;
import java.nio.file.Path;
import java.util.Random;

/**
 * The assembled experiment: data set, energy model, noise model, objective and schedule, built from a resolved
 * configuration by the registered plugins. Owns the manager of all long-lived arrays.
 */
public final class Experiment implements AutoCloseable {
    private final ExperimentConfig config;
    private final NDManager manager;
    private final Dataset dataset;
    private final EnergyModel energy;
    private final NoiseModel noise;
    private final Objective objective;
    private final Schedule schedule;

    private Experiment(ExperimentConfig config, NDManager manager, Dataset dataset, EnergyModel energy,
            NoiseModel noise, Objective objective, Schedule schedule) {
        this.config = config;
        this.manager = manager;
        this.dataset = dataset;
        this.energy = energy;
        this.noise = noise;
        this.objective = objective;
        this.schedule = schedule;
    }

    /**
     * Builds every component. Configuration errors that only show once the parts meet (a schedule that trains
     * a fixed noise model) are thrown as {@link ConfigException} naming both keys.
     */
    public static Experiment build(ExperimentConfig config, PluginRegistry registry, Path runDirectory) {
        Engine.getInstance().setRandomSeed((int) config.seed());
        NDManager manager = NDManager.newBaseManager();
        try {
            Context ctx = new Context(config.seed(), manager, runDirectory);
            Dataset dataset = (Dataset) create(registry, config.dataset(), ctx);
            ctx.data = dataset.train();
            ctx.dimension = dataset.dimension();
            EnergyModel energy = (EnergyModel) create(registry, config.energy(), ctx);
            NoiseModel noise = (NoiseModel) create(registry, config.noise(), ctx);
            Objective objective = (Objective) create(registry, config.objective(), ctx);
            Schedule schedule = (Schedule) create(registry, config.schedule(), ctx);
            if (noise.dimension() != dataset.dimension()) {
                throw new ConfigException("", "noise", "the noise model has dimension " + noise.dimension()
                        + " but the data set '" + config.dataset().type() + "' has " + dataset.dimension()
                        + ": give the noise " + dataset.dimension() + " coordinates (or fit: data)");
            }
            if ((schedule.trainsNoise() || noise.pretrainSteps() > 0) && !noise.trainable()) {
                throw new ConfigException("", "schedule.type",
                        "schedule '" + config.schedule().type() + "' trains the noise model, but noise.type '"
                                + config.noise().type() + "' is fixed: use a trainable noise model (maf, glow) or "
                                + "schedule.type: nce");
            }
            return new Experiment(config, manager, dataset, energy, noise, objective, schedule);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Object create(PluginRegistry registry, PluginSpec spec, PluginContext ctx) {
        Plugin<?, ?> plugin = registry.find(spec.kind(), spec.type());
        return plugin.createUnchecked(spec.config(), ctx);
    }

    public ExperimentConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public Dataset dataset() {
        return dataset;
    }

    public EnergyModel energy() {
        return energy;
    }

    public NoiseModel noise() {
        return noise;
    }

    public Objective objective() {
        return objective;
    }

    public Schedule schedule() {
        return schedule;
    }

    /** A random stream of this run, derived from its seed. */
    public Random random(String stream) {
        return new Random(PluginContext.streamSeed(config.seed(), stream));
    }

    @Override
    public void close() {
        manager.close();
    }

    private static final class Context implements PluginContext {
        private final long seed;
        private final NDManager manager;
        private final Path runDirectory;
        private Matrix data;
        private int dimension = -1;

        Context(long seed, NDManager manager, Path runDirectory) {
            this.seed = seed;
            this.manager = manager;
            this.runDirectory = runDirectory;
        }

        @Override
        public long seed() {
            return seed;
        }

        @Override
        public Random random(String stream) {
            return new Random(PluginContext.streamSeed(seed, stream));
        }

        @Override
        public int dimension() {
            if (dimension < 0) {
                throw new IllegalStateException("the data dimension is not known before the data set is built");
            }
            return dimension;
        }

        @Override
        public Matrix trainingData() {
            if (data == null) {
                throw new IllegalStateException("the training data is not available before the data set is built");
            }
            return data;
        }

        @Override
        public NDManager manager() {
            return manager;
        }

        @Override
        public Path runDirectory() {
            return runDirectory;
        }
    }
}
