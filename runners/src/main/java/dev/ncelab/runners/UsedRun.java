package dev.ncelab.runners;

import ai.djl.ndarray.NDManager;
import dev.ncelab.core.config.ConfigBinder;
import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.Names;
import dev.ncelab.core.data.Box;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.eval.ImportanceLogZ;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.sample.Sampler;
import dev.ncelab.core.train.Experiment;
import dev.ncelab.core.train.TrainedRun;
import dev.ncelab.plugins.datasets.CsvConfig;
import dev.ncelab.plugins.datasets.CsvDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A finished run opened by {@code sample}, {@code impute} and {@code score}: its experiment and models, the
 * columns of its data (names, scaling to file units, integer columns, training range), and the one place these
 * commands may write, {@code <run>/uses/}. Nothing else in the run directory is ever written.
 */
final class UsedRun implements AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    final TrainedRun run;
    final Experiment exp;
    final Columns columns;
    private final PluginRegistry registry;

    /** Column names, file-unit scaling, dequantised (integer) columns and training range of a run's data. */
    record Columns(List<String> names, double[] mean, double[] scale, boolean[] integer, double[] min, double[] max,
            char separator) {
        int size() {
            return names.size();
        }

        double toModel(int j, double v) {
            return (v - mean[j]) / scale[j];
        }

        double toFile(int j, double z) {
            return z * scale[j] + mean[j];
        }

        /** log of the Jacobian from model space to file units: subtract it from a model-space log density. */
        double logScale() {
            double s = 0;
            for (double v : scale) {
                s += Math.log(v);
            }
            return s;
        }

        /** A file-unit value as written out: integer columns rounded (and clipped to the training range). */
        double output(int j, double v, boolean clip) {
            if (!integer[j]) {
                return v;
            }
            double r = Math.rint(v);
            return clip ? Math.max(min[j], Math.min(max[j], r)) : r;
        }
    }

    private UsedRun(TrainedRun run, PluginRegistry registry) {
        this.run = run;
        this.exp = run.experiment();
        this.registry = registry;
        this.columns = columns(exp);
    }

    /**
     * Opens a run, refuses an {@code output} inside it (outside {@code uses/}), runs {@code body}, and turns bad
     * input (configuration, input table, plugins, paths) into its message and exit code 2.
     */
    static int use(Path dir, List<Path> pluginDirs, Path output, java.util.function.ToIntFunction<UsedRun> body) {
        try (UsedRun used = open(dir, pluginDirs)) {
            if (output != null) {
                used.checkOutput(output);
            }
            return body.applyAsInt(used);
        } catch (dev.ncelab.core.config.ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (InputTable.InputException | dev.ncelab.core.plugin.Plugins.PluginLoadException
                | IllegalArgumentException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    static UsedRun open(Path dir, List<Path> pluginDirs) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a directory: give a run directory, "
                    + "results/<name>/<yyyyMMdd-HHmmss>_<hash>");
        }
        PluginRegistry registry = PluginLoader.registry(pluginDirs);
        return new UsedRun(TrainedRun.open(dir, registry), registry);
    }

    private static Columns columns(Experiment exp) {
        Matrix train = exp.dataset().train();
        int d = exp.dataset().dimension();
        if (exp.dataset() instanceof CsvDataset csv) {
            char sep = exp.config().dataset().config() instanceof CsvConfig c ? c.separator().charAt(0) : ';';
            return new Columns(csv.columns(), csv.mean(), csv.scale(), csv.integerColumns(), csv.trainingMin(),
                    csv.trainingMax(), sep);
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add(d == 2 ? (j == 0 ? "x" : "y") : "x" + (j + 1));
        }
        double[] mean = new double[d];
        double[] scale = new double[d];
        Arrays.fill(scale, 1);
        double[] min = new double[d];
        double[] max = new double[d];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < train.rows(); i++) {
            for (int j = 0; j < d; j++) {
                min[j] = Math.min(min[j], train.get(i, j));
                max[j] = Math.max(max[j], train.get(i, j));
            }
        }
        return new Columns(names, mean, scale, new boolean[d], min, max, ',');
    }

    /** A random stream of this use, from the given seed or else the run's seed. */
    Random random(String stream, Long seed) {
        return new Random(PluginContext.streamSeed(seed != null ? seed : exp.config().seed(), "use-" + stream));
    }

    /** A new file {@code <run>/uses/<prefix>-<yyyyMMdd-HHmmss>[-k].<ext>} (the folder is created if needed). */
    Path useFile(String prefix, String ext) {
        Path uses = run.directory().path().resolve("uses");
        try {
            Files.createDirectories(uses);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + uses, e);
        }
        String stamp = LocalDateTime.now().format(STAMP);
        Path f = uses.resolve(prefix + "-" + stamp + "." + ext);
        for (int k = 2; Files.exists(f) || Files.exists(f.resolveSibling(f.getFileName() + ".tmp")); k++) {
            f = uses.resolve(prefix + "-" + stamp + "-" + k + "." + ext);
        }
        return f;
    }

    /** Refuses an output path inside the run directory but outside its uses/ folder. */
    void checkOutput(Path out) {
        Path runDir = run.directory().path().toAbsolutePath().normalize();
        Path o = out.toAbsolutePath().normalize();
        if (o.startsWith(runDir) && !o.startsWith(runDir.resolve("uses"))) {
            throw new IllegalArgumentException("--output " + out + " is inside the run directory: a finished run's "
                    + "files are never changed; write under " + runDir.resolve("uses") + " or elsewhere");
        }
    }

    /** A sampler plugin built from YAML text (its options), starting chains from the run's noise model. */
    Sampler sampler(String name, String yaml) {
        Plugin<?, ?> p = registry.find(PluginKind.SAMPLER, name);
        if (p == null) {
            throw new IllegalArgumentException("unknown sampler '" + name + "'"
                    + Names.didYouMean(name, registry.of(PluginKind.SAMPLER).keySet()) + "; registered: "
                    + String.join(", ", registry.of(PluginKind.SAMPLER).keySet()));
        }
        ConfigDocument doc = ConfigDocument.parse(yaml, "the sampler options");
        ConfigBinder binder = new ConfigBinder(doc);
        Record cfg = binder.bind(p.configType(), doc.root(), "sampler", Set.of("type"));
        binder.throwIfErrors();
        return (Sampler) p.createUnchecked(cfg, exp.context(null)); // chains may start from the run's noise model
    }


    /** log p~ (unnormalised, learned c included) of model-space rows. */
    double[] logDensity(Matrix x) {
        EnergyModel energy = exp.energy();
        return Evaluator.apply(exp.manager(), x, energy::logDensity, energy.parameters());
    }

    /** How log Z was estimated: value of log of the integral of exp(log p~), with SE and ESS for sampling. */
    record LogZ(String method, double logIntegral, double standardError, double ess) {
        String describe(double c) {
            return method.equals("quadrature")
                    ? String.format("log Z = %.4f by quadrature on the data box (learned c = %.4f)", c + logIntegral, c)
                    : String.format("log Z = %.4f +- %.4f by importance sampling (%s; ESS %.0f; learned c = %.4f)",
                            c + logIntegral, standardError, method, ess, c);
        }
    }

    /** Quadrature for 2-D data with a box, else importance sampling (the flow, or a Gaussian fitted to training). */
    LogZ logZ(int samples, Random random) {
        var box = exp.dataset().box();
        if (exp.dataset().dimension() == 2 && box.isPresent()) {
            Box b = box.get();
            Evaluator.Grid grid = new Evaluator.Grid(b, 400);
            return new LogZ("quadrature", grid.logIntegral(logDensity(grid.points())), 0, Double.NaN);
        }
        NoiseModel trained = exp.noise().filter(NoiseModel::trainable).orElse(null);
        boolean flow = trained != null;
        ImportanceLogZ.Proposal q = ImportanceLogZ.forModel(exp.dataset().train(), trained);
        ImportanceLogZ.Estimate e = ImportanceLogZ.estimate(exp.manager(), exp.energy(), q, samples, random);
        return new LogZ(samples + " draws of " + (flow ? "the trained flow" : "a kernel density on the training rows")
                + " mixed half and half with the training rows' Gaussian widened by 1.5",
                e.logZ(), e.standardError(), e.ess());
    }

    @Override
    public void close() {
        run.close();
    }
}
