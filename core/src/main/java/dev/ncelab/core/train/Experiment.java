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
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.run.Startup;
import dev.ncelab.core.schedule.Schedule;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The assembled experiment: one component per configured plugin section, built by the registered plugins. A
 * component takes the others it needs from its context when it is built (an objective asks for the noise model or
 * the sampler), so a section is required exactly when something uses it. Owns the manager of all long-lived arrays.
 */
public final class Experiment implements AutoCloseable {
    private final ExperimentConfig config;
    private final NDManager manager;
    private final Map<PluginKind, Object> components;

    private Experiment(ExperimentConfig config, NDManager manager, Map<PluginKind, Object> components) {
        this.config = config;
        this.manager = manager;
        this.components = components;
    }

    /**
     * Builds every component: the data set first, then the energy model, the objective (and what it asks for),
     * the schedule, and any other configured section. Configuration errors that only show once the parts meet
     * are thrown as {@link ConfigException} naming the keys.
     */
    public static Experiment build(ExperimentConfig config, PluginRegistry registry, Path runDirectory) {
        Engine engine = Engine.getInstance();
        Startup.mark("engine");
        engine.setRandomSeed((int) config.seed());
        NDManager manager = NDManager.newBaseManager();
        try {
            Context ctx = new Context(config, registry, manager, runDirectory);
            Dataset dataset = ctx.require(PluginKind.DATASET, Dataset.class);
            Startup.mark("data");
            ctx.data = dataset.train();
            ctx.dimension = dataset.dimension();
            ctx.require(PluginKind.ENERGY, EnergyModel.class);
            Objective objective = ctx.require(PluginKind.OBJECTIVE, Objective.class);
            Schedule schedule = ctx.require(PluginKind.SCHEDULE, Schedule.class);
            for (String key : config.sections().keySet()) {
                ctx.require(registry.kind(key), Object.class);
            }
            Experiment exp = new Experiment(config, manager, ctx.built);
            Startup.mark("experiment");
            exp.noise().ifPresent(noise -> check(config, noise, dataset));
            for (String needed : schedule.needs()) {
                if (objective.players().stream().noneMatch(p -> p.name().equals(needed))) {
                    throw new ConfigException("", "schedule.type", "schedule '" + config.schedule().type()
                            + "' trains the " + needed + " model, but " + missing(config, needed)
                            + ": use a trainable noise model (maf, glow) or schedule.type: nce");
                }
            }
            return exp;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static String missing(ExperimentConfig config, String player) {
        if (player.equals(Player.NOISE) && config.noise() != null) {
            return "noise.type '" + config.noise().type() + "' is fixed";
        }
        return "objective '" + config.objective().type() + "' has no " + player + " model to train";
    }

    private static void check(ExperimentConfig config, NoiseModel noise, Dataset dataset) {
        if (noise.dimension() != dataset.dimension()) {
            throw new ConfigException("", "noise", "the noise model has dimension " + noise.dimension()
                    + " but the data set '" + config.dataset().type() + "' has " + dataset.dimension()
                    + ": give the noise " + dataset.dimension() + " coordinates (or fit: data)");
        }
        if (noise.pretrainSteps() > 0 && !noise.trainable()) {
            throw new ConfigException("", "noise.pretrain_steps", "noise.type '" + config.noise().type()
                    + "' is fixed and cannot be pre-trained: remove pretrain_steps or use maf or glow");
        }
    }

    public ExperimentConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    /** The component of a section, if configured. */
    public <T> Optional<T> component(PluginKind kind, Class<T> type) {
        return Optional.ofNullable(components.get(kind)).map(type::cast);
    }

    /** Every component, by kind, in the order they were built. */
    public Map<PluginKind, Object> components() {
        return java.util.Collections.unmodifiableMap(components);
    }

    public Dataset dataset() {
        return component(PluginKind.DATASET, Dataset.class).orElseThrow();
    }

    public EnergyModel energy() {
        return component(PluginKind.ENERGY, EnergyModel.class).orElseThrow();
    }

    /** The noise model, when the experiment has one. */
    public Optional<NoiseModel> noise() {
        return component(PluginKind.NOISE, NoiseModel.class);
    }

    public Objective objective() {
        return component(PluginKind.OBJECTIVE, Objective.class).orElseThrow();
    }

    public Schedule schedule() {
        return component(PluginKind.SCHEDULE, Schedule.class).orElseThrow();
    }

    /** A random stream of this run, derived from its seed. */
    public Random random(String stream) {
        return new Random(PluginContext.streamSeed(config.seed(), stream));
    }

    /** A plugin context over this experiment's components (for loggers and commands built after it). */
    public PluginContext context(Path runDirectory) {
        Context c = new Context(config, null, manager, runDirectory);
        c.built.putAll(components);
        c.data = dataset().train();
        c.dimension = dataset().dimension();
        return c;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Builds sections on demand, in dependency order, and refuses cycles and missing sections by name. */
    private static final class Context implements PluginContext {
        private final ExperimentConfig config;
        private final PluginRegistry registry;
        private final NDManager manager;
        private final Path runDirectory;
        private final Map<PluginKind, Object> built = new LinkedHashMap<>();
        private final Deque<PluginKind> building = new ArrayDeque<>();
        private Matrix data;
        private int dimension = -1;

        Context(ExperimentConfig config, PluginRegistry registry, NDManager manager, Path runDirectory) {
            this.config = config;
            this.registry = registry;
            this.manager = manager;
            this.runDirectory = runDirectory;
        }

        @Override
        public <T> T require(PluginKind kind, Class<T> type) {
            return optional(kind, type).orElseThrow(() -> new ConfigException("", kind.key(),
                    (building.isEmpty() ? "" : building.peek().key() + " '" + config.section(building.peek().key())
                            .type() + "' needs a " + kind.key() + " (" + kind.doc() + "): ")
                            + "add " + kind.key() + ": {type: ...}"
                            + (registry == null ? "" : " with one of: " + String.join(", ", registry.of(kind).keySet()))));
        }

        @Override
        public <T> Optional<T> optional(PluginKind kind, Class<T> type) {
            Object c = built.get(kind);
            PluginSpec spec = config.section(kind.key());
            if (c == null && spec != null && registry != null) {
                if (building.contains(kind)) {
                    throw new ConfigException("", kind.key(), "sections need each other in a cycle: " + building);
                }
                building.push(kind);
                try {
                    Plugin<?, ?> plugin = registry.find(kind, spec.type());
                    c = plugin.createUnchecked(spec.config(), this);
                } finally {
                    building.pop();
                }
                if (!kind.product().isInstance(c)) {
                    throw new IllegalStateException(kind.key() + " plugin '" + spec.type() + "' made a "
                            + c.getClass().getName() + ", not a " + kind.product().getName());
                }
                built.put(kind, c);
            }
            return Optional.ofNullable(c).map(type::cast);
        }

        @Override
        public long seed() {
            return config.seed();
        }

        @Override
        public Random random(String stream) {
            return new Random(PluginContext.streamSeed(config.seed(), stream));
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
