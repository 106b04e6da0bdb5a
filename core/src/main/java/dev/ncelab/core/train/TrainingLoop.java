package dev.ncelab.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.experiment.ExperimentConfig;
import dev.ncelab.core.experiment.TrainingConfig;
import dev.ncelab.core.model.Adam;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.objective.Terms;
import dev.ncelab.core.plot.DensityPlot;
import dev.ncelab.core.plot.GifWriter;
import dev.ncelab.core.run.MetricsCsv;
import dev.ncelab.core.run.RunDirectory;
import dev.ncelab.core.run.RunLogger;
import dev.ncelab.core.run.RunStatus;
import dev.ncelab.core.schedule.Move;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The training loop, readable in one place. Each step: one sub-manager (closed at the end of the step), the
 * schedule's move decides who learns, the other player's parameters record no gradient, only the learner's
 * Adam steps, and only Java numbers leave the step. A non-finite value skips the update (counted); a run that
 * stays non-finite for {@code training.max_nonfinite} steps stops as diverged.
 */
public final class TrainingLoop {
    private static final Logger LOG = LogManager.getLogger(TrainingLoop.class);
    /** Steps over which the summary averages value and accuracy. */
    static final int WINDOW = 100;

    /** What the console shows while training. */
    public interface Progress {
        void start(long totalSteps, long firstStep);

        void step(long step, double value, double accuracy, String trained);

        default void done() {}
    }

    /** How a run ended and its summary. */
    public record Result(RunStatus status, Map<String, Object> summary) {}

    private final Experiment exp;
    private final RunDirectory dir;
    private final List<RunLogger> loggers;
    private final Progress progress;
    private final AtomicBoolean stop;
    private final Evaluator evaluator;
    private final List<String> columns;
    private final double[] dataHistogram;

    public TrainingLoop(Experiment exp, RunDirectory dir, List<RunLogger> loggers, Progress progress,
            AtomicBoolean stop) {
        this.exp = exp;
        this.dir = dir;
        this.loggers = loggers;
        this.progress = progress;
        this.stop = stop;
        this.evaluator = new Evaluator(exp.dataset(), exp.config().logging().grid());
        this.columns = columns(exp, evaluator);
        this.dataHistogram = evaluator.grid().map(g -> histogram(exp.dataset().train(), g)).orElse(null);
    }

    /** The metric columns this experiment reports, in order. */
    public List<String> columns() {
        return columns;
    }

    static List<String> columns(Experiment exp, Evaluator evaluator) {
        List<String> c = new ArrayList<>(List.of("step", "epoch", "trained", "value", "accuracy", "log_z",
                "energy_fraction", "nonfinite_steps", "seconds"));
        evaluator.trueDensity().ifPresent(t -> c.add("mse_logp"));
        if (evaluator.grid().isPresent()) {
            c.add("log_z_quadrature");
            c.add("test_loglik");
        }
        if (evaluator.importanceSampled()) { // [issue-13] importance-sampled log Z where there is no box
            c.addAll(List.of("log_z_is", "log_z_is_se", "is_ess", "test_loglik"));
        }
        if (exp.noise().trainable()) {
            c.add("flow_test_loglik");
        }
        return c;
    }

    public Result run(boolean resume) {
        ExperimentConfig cfg = exp.config();
        TrainingConfig t = cfg.training();
        EnergyModel energy = exp.energy();
        NoiseModel noise = exp.noise();
        Matrix train = exp.dataset().train();
        int batch = Math.min(t.batch(), train.rows());
        int stepsPerEpoch = (train.rows() + batch - 1) / batch;
        long total = (long) t.epochs() * stepsPerEpoch;
        if (t.maxSteps() != null) {
            total = Math.min(total, t.maxSteps());
        }
        int checkpointEvery = t.checkpointEvery() > 0 ? t.checkpointEvery() : stepsPerEpoch;
        int evalEvery = cfg.logging().evalEvery();
        int logEvery = cfg.logging().every();
        int k = exp.objective().noisePerDataPoint();

        Adam energyOpt = new Adam(energy.parameters(), t.lr().energy(), t.betas().get(0), t.betas().get(1));
        Adam noiseOpt = noise.trainable()
                ? new Adam(noise.parameters(), t.lr().noise(), t.betas().get(0), t.betas().get(1)) : null;

        Checkpoint.LoopState s = new Checkpoint.LoopState();
        s.next = exp.schedule().first();
        s.shuffle = exp.random("shuffle");
        s.noise = exp.random("noise-samples");
        s.order = permutation(train.rows(), s.shuffle);
        if (resume) {
            Checkpoint.load(dir.checkpoint(), s, energy.parameters(), energyOpt, noise.parameters(), noiseOpt);
            MetricsCsv.truncateAfter(dir.metrics(), s.step);
            LOG.info("resuming at step {} (epoch {})", s.step, s.epoch + 1);
        } else if (noise.pretrainSteps() > 0) {
            pretrain(noise, noiseOpt, train, batch, noise.pretrainSteps());
        }

        NDManager base = exp.manager();
        Engine engine = Engine.getInstance();
        double[] windowValue = new double[WINDOW];
        double[] windowAcc = new double[WINDOW];
        int windowCount = 0;
        Map<String, Double> lastEval = Map.of();
        RunStatus status = RunStatus.FINISHED;
        String message = null;
        long started = System.nanoTime();
        double secondsBefore = s.seconds;
        float[] batchBuf = new float[batch * train.cols()];
        progress.start(total, s.step);
        try {
            while (s.step < total) {
                if (stop.get()) {
                    status = RunStatus.INTERRUPTED;
                    message = "interrupted at step " + s.step;
                    break;
                }
                int b = Math.min(batch, train.rows() - s.position);
                train.gather(s.order, s.position, b, batchBuf);
                Move move = s.next;
                double value;
                double accuracy;
                String bad = null;
                try (NDManager step = base.newSubManager()) {
                    energy.parameters().attach(step);
                    noise.parameters().attach(step);
                    energy.parameters().setLearning(move == Move.ENERGY);
                    noise.parameters().setLearning(move.trainsNoise());
                    NDArray x = step.create(b < batch ? java.util.Arrays.copyOf(batchBuf, b * train.cols()) : batchBuf,
                            new Shape(b, train.cols()));
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray loss;
                        if (move == Move.NOISE_MLE) {
                            loss = noise.logProb(x).mean().neg();
                            value = loss.getFloat();
                            accuracy = Double.NaN;
                        } else {
                            NoiseSample ns = noise.sample(step, b * k, s.noise);
                            NDArray logpX = energy.logDensity(x);
                            NDArray logpN = energy.logDensity(ns.x());
                            NDArray logqX = noise.logProb(x);
                            Terms terms = exp.objective().evaluate(logpX, logqX, logpN, ns.logQ());
                            loss = move == Move.ENERGY ? terms.value().neg() : terms.value();
                            float[] mv = NDArrays.stack(new NDList(terms.value().neg(), terms.accuracy())).toFloatArray();
                            value = mv[0];
                            accuracy = mv[1];
                        }
                        if (Double.isFinite(value)) {
                            gc.backward(loss);
                        }
                    }
                    if (!Double.isFinite(value)) {
                        bad = "the objective value (-V) was " + value;
                    } else if (!(move == Move.ENERGY ? energyOpt : noiseOpt).step()) {
                        bad = "the " + move.player() + " model's gradient was not finite";
                    }
                }
                s.step++;
                s.position += b;
                if (bad == null) {
                    s.consecutiveNonfinite = 0;
                    if (move == Move.ENERGY) {
                        s.energySteps++;
                    } else {
                        s.noiseSteps++;
                    }
                    s.next = exp.schedule().next(move, -value, accuracy);
                    windowValue[windowCount % WINDOW] = value;
                    windowAcc[windowCount % WINDOW] = accuracy;
                    windowCount++;
                } else {
                    s.nonfinite++;
                    s.consecutiveNonfinite++;
                    LOG.warn("step {}: {}; update skipped ({} in a row)", s.step, bad, s.consecutiveNonfinite);
                    if (s.consecutiveNonfinite >= t.maxNonfinite()) {
                        status = RunStatus.DIVERGED;
                        message = "diverged at step " + s.step + ": " + bad + ", non-finite for "
                                + s.consecutiveNonfinite + " steps in a row (from step " + (s.step - s.consecutiveNonfinite
                                + 1) + "); the last good checkpoint is kept";
                        break;
                    }
                }
                boolean epochEnd = s.position >= train.rows();
                boolean outOfTime = t.maxSeconds() != null
                        && secondsBefore + (System.nanoTime() - started) / 1e9 >= t.maxSeconds();
                boolean last = s.step == total || outOfTime;
                boolean evalNow = s.step % evalEvery == 0 || epochEnd || last;
                double[][] grid = new double[1][];
                if (evalNow) {
                    lastEval = evaluator.evaluate(base, energy, noise, epochEnd || last ? grid : null);
                }
                if (s.step % logEvery == 0 || evalNow) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("step", s.step);
                    row.put("epoch", s.epoch + 1);
                    row.put("trained", move.player());
                    row.put("value", value);
                    row.put("accuracy", Double.isNaN(accuracy) ? null : accuracy);
                    row.put("log_z", energy.logZ());
                    row.put("energy_fraction", (double) s.energySteps / Math.max(1, s.energySteps + s.noiseSteps));
                    row.put("nonfinite_steps", s.nonfinite);
                    row.put("seconds", secondsBefore + (System.nanoTime() - started) / 1e9);
                    if (evalNow) {
                        lastEval.forEach((key, v) -> {
                            if (!key.equals("log_z")) {
                                row.put(key, v);
                            }
                        });
                    }
                    for (RunLogger l : loggers) {
                        l.log(s.step, row);
                    }
                }
                progress.step(s.step, value, accuracy, move.player());
                if (epochEnd || last) {
                    if (cfg.logging().plots() && grid[0] != null) {
                        plot(s.epoch + 1, s.step, grid[0]);
                    }
                }
                if (epochEnd) {
                    s.epoch++;
                    s.position = 0;
                    s.order = permutation(train.rows(), s.shuffle);
                }
                if ((s.step % checkpointEvery == 0 || last) && s.consecutiveNonfinite == 0) {
                    s.seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
                    Checkpoint.save(dir.checkpoint(), s, energy.parameters(), energyOpt, noise.parameters(), noiseOpt);
                }
                if (outOfTime) {
                    LOG.info("training.max_seconds reached at step {}", s.step);
                    break;
                }
            }
        } finally {
            progress.done();
        }
        s.seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
        if (status == RunStatus.INTERRUPTED && s.consecutiveNonfinite == 0) {
            Checkpoint.save(dir.checkpoint(), s, energy.parameters(), energyOpt, noise.parameters(), noiseOpt);
        }
        if (status == RunStatus.FINISHED && cfg.logging().plots()) {
            animate();
        }
        if (status != RunStatus.DIVERGED && lastEval.isEmpty()) {
            lastEval = evaluator.evaluate(base, energy, noise, null);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("status", status.label());
        if (message != null) {
            summary.put("message", message);
        }
        summary.put("steps", s.step);
        summary.put("seconds", s.seconds);
        summary.put("value", finiteOrNull(mean(windowValue, windowCount)));
        summary.put("accuracy", finiteOrNull(mean(windowAcc, windowCount)));
        summary.put("log_z", energy.logZ());
        lastEval.forEach((key, v) -> summary.putIfAbsent(key, finiteOrNull(v)));
        exp.dataset().bestLogLikelihood().ifPresent(v -> summary.put("best_loglik", v));
        summary.put("energy_steps", s.energySteps);
        summary.put("noise_steps", s.noiseSteps);
        summary.put("energy_fraction", (double) s.energySteps / Math.max(1, s.energySteps + s.noiseSteps));
        summary.put("nonfinite_steps", s.nonfinite);
        return new Result(status, summary);
    }

    private void pretrain(NoiseModel noise, Adam opt, Matrix train, int batch, int steps) {
        LOG.info("pre-training the noise model by maximum likelihood for {} steps", steps);
        Random r = exp.random("pretrain");
        float[] buf = new float[batch * train.cols()];
        int[] order = permutation(train.rows(), r);
        int pos = 0;
        for (int i = 0; i < steps; i++) {
            if (pos + batch > train.rows()) {
                order = permutation(train.rows(), r);
                pos = 0;
            }
            train.gather(order, pos, batch, buf);
            pos += batch;
            try (NDManager step = exp.manager().newSubManager()) {
                noise.parameters().attach(step);
                noise.parameters().setLearning(true);
                NDArray x = step.create(buf, new Shape(batch, train.cols()));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = noise.logProb(x).mean().neg();
                    if (!Float.isFinite(loss.getFloat())) {
                        continue;
                    }
                    gc.backward(loss);
                }
                opt.step();
            }
        }
    }

    private void plot(int epoch, long step, double[] energyGrid) {
        Evaluator.Grid g = evaluator.grid().orElseThrow();
        NoiseModel noise = exp.noise();
        List<DensityPlot.Panel> panels = new ArrayList<>();
        panels.add(new DensityPlot.Panel("Data", dataHistogram, g.n()));
        double[] noiseGrid = Evaluator.apply(exp.manager(), g.points(), noise::logProb, noise.parameters());
        panels.add(new DensityPlot.Panel(noise.trainable() ? "Flow density" : "Noise density", exp(noiseGrid), g.n()));
        if (noise.trainable()) {
            Matrix samples;
            try (NDManager m = exp.manager().newSubManager()) {
                noise.parameters().attach(m);
                noise.parameters().setLearning(false);
                NDArray x = noise.sample(m, 20_000, exp.random("plot-samples-" + epoch)).x();
                samples = new Matrix(x.toFloatArray(), 20_000, 2);
            }
            panels.add(new DensityPlot.Panel("Flow samples", histogram(samples, g), g.n()));
        }
        panels.add(new DensityPlot.Panel("EBM density", exp(energyGrid), g.n()));
        Path file = dir.plots().resolve(String.format("epoch_%03d.png", epoch));
        DensityPlot.write(file, panels);
        for (RunLogger l : loggers) {
            l.artifact(step, "density", file);
        }
    }

    private void animate() {
        try (Stream<Path> files = Files.list(dir.plots())) {
            List<Path> frames = files.filter(p -> p.getFileName().toString().matches("epoch_\\d+\\.png")).sorted()
                    .toList();
            GifWriter.write(dir.plots().resolve("training.gif"), frames, 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[] histogram(Matrix points, Evaluator.Grid g) {
        return DensityPlot.histogram(points.data(), g.n(), g.box().xMin(), g.box().xMax(), g.box().yMin(),
                g.box().yMax());
    }

    /** JSON has no NaN: an undefined figure (no accuracy in MLE) is written as null. */
    static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static double[] exp(double[] log) {
        double[] out = new double[log.length];
        for (int i = 0; i < log.length; i++) {
            out[i] = Math.exp(log[i]);
        }
        return out;
    }

    static double mean(double[] window, int count) {
        int n = Math.min(count, window.length);
        if (n == 0) {
            return Double.NaN;
        }
        double s = 0;
        int finite = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(window[i])) {
                s += window[i];
                finite++;
            }
        }
        return finite == 0 ? Double.NaN : s / finite;
    }

    static int[] permutation(int n, Random r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }
}
