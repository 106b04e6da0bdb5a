package dev.ncelab.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.Param;
import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.data.TrueDensity;
import dev.ncelab.core.experiment.ExperimentConfig;
import dev.ncelab.core.experiment.ExperimentLoader;
import dev.ncelab.core.math.Scalars;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.model.ParameterSet;
import dev.ncelab.core.objective.Objective;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.objective.Step;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginModule;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.plugin.Plugins;
import dev.ncelab.core.run.RunDirectory;
import dev.ncelab.core.schedule.Schedule;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * A tiny experiment for core's own tests, written here so that core is tested without any plugin module: a
 * Gaussian data set, a quadratic energy, a Gaussian noise (fixed or with a trainable mean), an objective that
 * records what it was given and can be told to return NaN, a cyclic schedule with checkpointed state, and an
 * open plugin kind ({@code widget}) that core knows nothing about.
 */
public final class Toy {
    private Toy() {}

    /** The plugins, registered as a jar's module would register them (no services file: tests pick them). */
    public static final class Module extends PluginModule {
        @Override
        protected void configure() {
            dataset("toy", DataPlugin.class);
            energy("quad", QuadPlugin.class);
            noise("unit", NoisePlugin.class);
            objective("toy", ObjectivePlugin.class);
            schedule("cycle", CyclePlugin.class);
            register(WIDGET, "gear", GearPlugin.class);
            sampler("counting", SamplerPlugin.class);
        }
    }

    public static PluginRegistry registry() {
        return Plugins.registry(List.of(new Module()));
    }

    /** 40 two-dimensional rows in batches of 16: steps of 16, 16 and 8 rows, 3 steps an epoch, 6 in all. */
    public static final String BASE = """
            name: toy
            seed: 7
            dataset: {type: toy, rows: 40}
            energy: {type: quad}
            noise: {type: unit}
            objective: {type: toy}
            schedule: {type: cycle}
            training: {epochs: 2, batch: 16}
            logging: {every: 1, eval_every: 1000, grid: 20, plots: false}
            """;

    /** An experiment's configuration from YAML and {@code key=value} overrides. */
    public static ExperimentConfig config(String yaml, String... overrides) {
        ConfigDocument doc = ConfigDocument.parse(yaml, "toy.yaml");
        for (String o : overrides) {
            doc.override(o);
        }
        return new ExperimentLoader(registry()).bind(doc, "toy");
    }

    /** The base experiment with overrides, built. */
    public static Experiment build(String... overrides) {
        return buildYaml(BASE, overrides);
    }

    public static Experiment buildYaml(String yaml, String... overrides) {
        return Experiment.build(config(yaml, overrides), registry(), null);
    }

    /** A run directory with the sub-directories {@code Run} creates. */
    public static RunDirectory directory(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("plots"));
        Files.createDirectories(dir.resolve("checkpoints"));
        return new RunDirectory(dir);
    }

    // ---- an open plugin kind, declared outside core ----

    /** What the {@code widget} kind makes. */
    public interface Widget {
        int teeth();
    }

    public static final PluginKind WIDGET = new PluginKind("widget", Widget.class, PluginKind.Use.OPTIONAL, null,
            "a test component core does not know");

    public record GearConfig(@Param(doc = "teeth", value = "3") int teeth) {}

    public static final class GearPlugin implements Plugin<GearConfig, Widget> {
        /** How many gears were built (a component is built once, on first demand). */
        static int built;

        @Override
        public Class<GearConfig> configType() {
            return GearConfig.class;
        }

        @Override
        public String doc() {
            return "a gear";
        }

        @Override
        public Widget create(GearConfig c, PluginContext context) {
            built++;
            return c::teeth;
        }
    }

    // ---- data ----

    public record DataConfig(
            @Param(doc = "training rows", value = "40") int rows,
            @Param(doc = "held-out rows", value = "500") int heldOut,
            @Param(doc = "dimension", value = "2") int dim,
            @Param(doc = "report the true density N(0, I)", value = "false") boolean density) {}

    public static final class DataPlugin implements Plugin<DataConfig, Dataset> {
        @Override
        public Class<DataConfig> configType() {
            return DataConfig.class;
        }

        @Override
        public String doc() {
            return "standard normal rows";
        }

        @Override
        public Dataset create(DataConfig c, PluginContext context) {
            Matrix train = normal(c.rows(), c.dim(), context.random("data"));
            Matrix held = normal(c.heldOut(), c.dim(), context.random("heldout"));
            return new Dataset() {
                @Override
                public int dimension() {
                    return c.dim();
                }

                @Override
                public Matrix train() {
                    return train;
                }

                @Override
                public Matrix heldOut() {
                    return held;
                }

                @Override
                public Optional<TrueDensity> trueDensity() {
                    return c.density() ? Optional.of(x -> {
                        double s = 0;
                        for (double v : x) {
                            s += v * v;
                        }
                        return -0.5 * s - 0.5 * x.length * Math.log(2 * Math.PI);
                    }) : Optional.empty();
                }
            };
        }
    }

    static Matrix normal(int rows, int dim, Random r) {
        float[] d = new float[rows * dim];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return new Matrix(d, rows, dim);
    }

    // ---- energy: log p(x) = -a |x|^2 / 2 - c ----

    public record QuadConfig(@Param(doc = "precision a", value = "0.5") double a,
            @Param(doc = "initial c", value = "1.0") double c) {}

    public static final class QuadPlugin implements Plugin<QuadConfig, EnergyModel> {
        @Override
        public Class<QuadConfig> configType() {
            return QuadConfig.class;
        }

        @Override
        public String doc() {
            return "quadratic energy";
        }

        @Override
        public EnergyModel create(QuadConfig cfg, PluginContext context) {
            ParameterSet p = new ParameterSet(context.manager());
            p.add("a", new Shape(1), new float[] {(float) cfg.a()});
            p.add("c", new Shape(1), new float[] {(float) cfg.c()});
            return new EnergyModel() {
                @Override
                public ParameterSet parameters() {
                    return p;
                }

                @Override
                public NDArray logDensity(NDArray x) {
                    return Scalars.mul(x.square().sum(new int[] {1}).mul(p.get("a")), -0.5f).sub(p.get("c"));
                }

                @Override
                public double logZ() {
                    return p.get("c").toFloatArray()[0];
                }

                @Override
                public boolean learnsLogZ() {
                    return true;
                }
            };
        }
    }

    // ---- noise: N(m, I), m trainable or fixed at 0 ----

    public record NoiseConfig(@Param(doc = "learn the mean", value = "false") boolean trainable,
            @Param(doc = "dimension (null: the data's)", value = "null") Integer dim) {}

    public static final class NoisePlugin implements Plugin<NoiseConfig, NoiseModel> {
        @Override
        public Class<NoiseConfig> configType() {
            return NoiseConfig.class;
        }

        @Override
        public String doc() {
            return "unit Gaussian";
        }

        @Override
        public NoiseModel create(NoiseConfig cfg, PluginContext context) {
            int d = cfg.dim() == null ? context.dimension() : cfg.dim();
            ParameterSet p = new ParameterSet(context.manager());
            NDArray zero = context.manager().zeros(new Shape(1, d));
            if (cfg.trainable()) {
                p.add("m", new Shape(1, d), new float[d]);
            }
            float norm = (float) (-0.5 * d * Math.log(2 * Math.PI));
            return new NoiseModel() {
                NDArray mean() {
                    return cfg.trainable() ? p.get("m") : zero;
                }

                @Override
                public int dimension() {
                    return d;
                }

                @Override
                public ParameterSet parameters() {
                    return p;
                }

                @Override
                public NDArray logProb(NDArray x) {
                    return Scalars.mul(x.sub(mean()).square().sum(new int[] {1}), -0.5f).add(norm);
                }

                @Override
                public NoiseSample sample(NDManager manager, int n, Random random) {
                    NDArray z = manager.create(normal(n, d, random).data(), new Shape(n, d));
                    NDArray logq = Scalars.mul(z.square().sum(new int[] {1}), -0.5f).add(norm);
                    return new NoiseSample(z.add(mean()), logq);
                }
            };
        }
    }

    // ---- objective ----

    public record ObjectiveConfig(
            @Param(doc = "contrast with the noise model (then noise: is required)", value = "true") boolean usesNoise,
            @Param(doc = "calls of step() (1-based) whose loss is NaN", value = "[]") List<Integer> nanCalls,
            @Param(doc = "ask for a widget", value = "false") boolean widget,
            @Param(doc = "draw from the sampler each energy step (then sampler: is required)", value = "false")
                    boolean sample) {}

    /** Squared log-ratio loss; records every call. */
    public static final class ToyObjective implements Objective {
        final EnergyModel energy;
        final NoiseModel noise;
        final Set<Integer> nanCalls;
        final Widget widget;
        CountingSampler sampler;
        int calls;
        /** The learner and the batch's rows of every call. */
        final List<String> learners = new ArrayList<>();
        final List<float[]> batches = new ArrayList<>();

        ToyObjective(EnergyModel energy, NoiseModel noise, Set<Integer> nanCalls, Widget widget) {
            this.energy = energy;
            this.noise = noise;
            this.nanCalls = nanCalls;
            this.widget = widget;
        }

        @Override
        public List<Player> players() {
            List<Player> p = new ArrayList<>(List.of(new Player(Player.ENERGY, energy.parameters())));
            if (noise != null && noise.trainable()) {
                p.add(new Player(Player.NOISE, noise.parameters()));
            }
            return p;
        }

        @Override
        public List<String> metrics() {
            return List.of("toy_loss", "toy_c");
        }

        @Override
        public Step.Outcome step(Step step) {
            calls++;
            learners.add(step.learner());
            batches.add(step.batch().toFloatArray());
            boolean nan = nanCalls.contains(calls);
            if (sampler != null && step.learner().equals(Player.ENERGY)) {
                sampler.sample(step.manager(), energy, 4, step.random()); // unrecorded work before the forward pass
            }
            return step.record(() -> {
                NDArray x = step.batch();
                NDArray loss;
                if (step.learner().equals(Player.NOISE)) {
                    loss = noise.logProb(x).mean().neg();
                } else {
                    NDArray target = noise == null ? x.getManager().zeros(new Shape(x.getShape().get(0)))
                            : noise.logProb(noise.sample(step.manager(), (int) x.getShape().get(0), step.random()).x());
                    loss = energy.logDensity(x).sub(target).square().mean();
                }
                if (nan) {
                    loss = loss.add(Float.NaN);
                }
                Map<String, NDArray> m = new LinkedHashMap<>();
                m.put("toy_loss", loss);
                m.put("toy_c", energy.parameters().get("c").reshape(new Shape()));
                return new Step.Terms(loss, m);
            });
        }
    }

    public static final class ObjectivePlugin implements Plugin<ObjectiveConfig, Objective> {
        @Override
        public Class<ObjectiveConfig> configType() {
            return ObjectiveConfig.class;
        }

        @Override
        public String doc() {
            return "a test objective";
        }

        @Override
        public Objective create(ObjectiveConfig c, PluginContext context) {
            EnergyModel energy = context.require(PluginKind.ENERGY, EnergyModel.class);
            NoiseModel noise = c.usesNoise() ? context.require(PluginKind.NOISE, NoiseModel.class) : null;
            Widget w = c.widget() ? context.require(WIDGET, Widget.class) : null;
            ToyObjective o = new ToyObjective(energy, noise, new LinkedHashSet<>(c.nanCalls()), w);
            if (c.sample()) {
                o.sampler = (CountingSampler) context.require(PluginKind.SAMPLER, dev.ncelab.core.sample.Sampler.class);
            }
            return o;
        }
    }

    // ---- schedule: a fixed cycle of learners, its position checkpointed ----

    public record CycleConfig(@Param(doc = "learners in turn", value = "[energy]") List<String> pattern) {}

    public static final class Cycle implements Schedule {
        final List<String> pattern;
        /** The position of the next learner; the checkpointed state. */
        long position;
        /** How many times {@link #next} was called. */
        int nextCalls;

        Cycle(List<String> pattern) {
            this.pattern = pattern;
        }

        @Override
        public Set<String> needs() {
            return new LinkedHashSet<>(pattern);
        }

        @Override
        public String first(List<String> players) {
            return pattern.get((int) (position % pattern.size()));
        }

        @Override
        public String next(Previous previous) {
            nextCalls++;
            position++;
            return pattern.get((int) (position % pattern.size()));
        }

        @Override
        public void save(DataOutputStream out) throws IOException {
            out.writeLong(position);
        }

        @Override
        public void load(DataInputStream in) throws IOException {
            position = in.readLong();
        }
    }

    public static final class CyclePlugin implements Plugin<CycleConfig, Schedule> {
        @Override
        public Class<CycleConfig> configType() {
            return CycleConfig.class;
        }

        @Override
        public String doc() {
            return "a fixed cycle";
        }

        @Override
        public Schedule create(CycleConfig c, PluginContext context) {
            return new Cycle(c.pattern());
        }
    }

    // ---- a sampler with state: the number of points it has drawn (checkpointed through Stateful) ----

    public record SamplerConfig() {}

    public static final class CountingSampler implements dev.ncelab.core.sample.Sampler {
        long drawn;

        @Override
        public NDArray sample(NDManager into, EnergyModel energy, int n, Random random) {
            drawn += n;
            return into.create(normal(n, 2, random).data(), new Shape(n, 2));
        }

        @Override
        public NDArray sampleFrom(NDManager into, EnergyModel energy, NDArray start, NDArray free, Random random) {
            drawn += start.getShape().get(0);
            return start.duplicate();
        }

        @Override
        public void save(DataOutputStream out) throws IOException {
            out.writeLong(drawn);
        }

        @Override
        public void load(DataInputStream in) throws IOException {
            drawn = in.readLong();
        }
    }

    public static final class SamplerPlugin implements Plugin<SamplerConfig, dev.ncelab.core.sample.Sampler> {
        @Override
        public Class<SamplerConfig> configType() {
            return SamplerConfig.class;
        }

        @Override
        public String doc() {
            return "counts its draws";
        }

        @Override
        public dev.ncelab.core.sample.Sampler create(SamplerConfig c, PluginContext context) {
            return new CountingSampler();
        }
    }
}
