package dev.ncelab.core.train.listen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.plot.DensityPlot;
import dev.ncelab.core.plot.GifWriter;
import dev.ncelab.core.run.RunLogger;
import dev.ncelab.core.run.RunStatus;
import dev.ncelab.core.train.Experiment;
import dev.ncelab.core.train.StepEvent;
import dev.ncelab.core.train.Training;
import dev.ncelab.core.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Density panels at each epoch's end and at the last step, for data sets with a 2-D box: the data, the noise (or
 * flow) density, the flow's samples, the EBM's density; an animated GIF when the run finishes. Other data sets get
 * no panels (the evaluation still reports what applies to them).
 */
public final class DensityPlots implements TrainingListener {
    private static final int FLOW_SAMPLES = 20_000;
    private final Experiment exp;
    private final Evaluator.Grid grid;
    private final double[] dataHistogram;
    private final List<RunLogger> loggers;

    /** @param loggers receive each plot as an artifact */
    public DensityPlots(Experiment exp, List<RunLogger> loggers) {
        this.exp = exp;
        this.loggers = loggers;
        this.grid = exp.dataset().box().map(b -> new Evaluator.Grid(b, exp.config().logging().grid())).orElse(null);
        this.dataHistogram = grid == null ? null : histogram(exp.dataset().train(), grid);
    }

    /** Whether this experiment gets plots at all. */
    public boolean applies() {
        return grid != null;
    }

    @Override
    public void onStep(Training t, StepEvent e) {
        if (grid == null || !(e.epochEnd() || e.last()) || t.status() == RunStatus.DIVERGED) {
            return;
        }
        EnergyModel energy = exp.energy();
        List<DensityPlot.Panel> panels = new ArrayList<>();
        panels.add(new DensityPlot.Panel("Data", dataHistogram, grid.n()));
        exp.noise().ifPresent(noise -> addNoise(panels, noise, e.epoch()));
        double[] logp = Evaluator.apply(exp.manager(), grid.points(), energy::logDensity, energy.parameters());
        panels.add(new DensityPlot.Panel("EBM density", exp(logp), grid.n()));
        Path file = t.directory().plots().resolve(String.format("epoch_%03d.png", e.epoch()));
        DensityPlot.write(file, panels);
        for (RunLogger l : loggers) {
            l.artifact(e.step(), "density", file);
        }
    }

    private void addNoise(List<DensityPlot.Panel> panels, NoiseModel noise, int epoch) {
        double[] logq = Evaluator.apply(exp.manager(), grid.points(), noise::logProb, noise.parameters());
        panels.add(new DensityPlot.Panel(noise.trainable() ? "Flow density" : "Noise density", exp(logq), grid.n()));
        if (noise.trainable()) {
            Matrix samples;
            try (NDManager m = exp.manager().newSubManager()) {
                noise.parameters().attach(m);
                noise.parameters().setLearning(false);
                NDArray x = noise.sample(m, FLOW_SAMPLES, exp.random("plot-samples-" + epoch)).x();
                samples = new Matrix(x.toFloatArray(), FLOW_SAMPLES, 2);
            }
            panels.add(new DensityPlot.Panel("Flow samples", histogram(samples, grid), grid.n()));
        }
    }

    @Override
    public void onEnd(Training t, Map<String, Object> summary) {
        if (grid == null || t.status() != RunStatus.FINISHED) {
            return;
        }
        try (Stream<Path> files = Files.list(t.directory().plots())) {
            List<Path> frames = files.filter(p -> p.getFileName().toString().matches("epoch_\\d+\\.png")).sorted()
                    .toList();
            GifWriter.write(t.directory().plots().resolve("training.gif"), frames, 20);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static double[] histogram(Matrix points, Evaluator.Grid g) {
        return DensityPlot.histogram(points.data(), g.n(), g.box().xMin(), g.box().xMax(), g.box().yMin(),
                g.box().yMax());
    }

    static double[] exp(double[] log) {
        double[] out = new double[log.length];
        for (int i = 0; i < log.length; i++) {
            out[i] = Math.exp(log[i]);
        }
        return out;
    }
}
