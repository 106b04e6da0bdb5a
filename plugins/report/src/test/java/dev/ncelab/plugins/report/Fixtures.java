package dev.ncelab.plugins.report;

import dev.ncelab.core.plot.DensityPlot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Run and sweep directories written as a run writes them (README "What a run writes"), without training. */
public final class Fixtures {
    private Fixtures() {}

    public static final String FCE_HEADER = "step,epoch,trained,nce_loss,accuracy,log_z,energy_fraction,nonfinite_steps,"
            + "seconds,mse_logp,log_z_quadrature,test_loglik,flow_test_loglik";

    /**
     * An FCE-like run: {@code rows} metric rows every 10 steps, truth metrics every 10th row, the flow training
     * every third row, {@code epochs} density plots whose blobs move with the epoch, and their viridis copies.
     */
    public static Path fceRun(Path dir, int rows, int epochs, double threshold, double quality) {
        try {
            Files.createDirectories(dir.resolve("plots"));
            Files.writeString(dir.resolve("config.yaml"), "name: fce-maf-8gaussians\nseed: 42\n"
                    + "dataset: {type: 8gaussians, samples: 500000, held_out: 10000}\n"
                    + "noise: {type: maf, blocks: 5, hidden: 100}\nschedule: {type: fce, threshold: " + threshold + "}\n"
                    + "training: {epochs: " + epochs + ", batch: 1000, lr: {energy: 0.001, noise: 0.0007}}\n"
                    + "logging: {every: 10, eval_every: 100, note: \"</script><script>alert(1)</script>\"}\n");
            Files.writeString(dir.resolve("metadata.json"), "{\"name\":\"fce-maf-8gaussians\",\"id\":\""
                    + dir.getFileName() + "\",\"status\":\"finished\",\"seed\":42,\"started\":\"2026-11-29T10:00:00Z\","
                    + "\"ended\":\"2026-11-29T10:10:00Z\",\"git_commit\":\"0123456789abcdef\",\"host\":\"test\"}");
            StringBuilder m = new StringBuilder(FCE_HEADER).append('\n');
            int energy = 0;
            for (int i = 1; i <= rows; i++) {
                long step = 10L * i;
                boolean ebm = i % 3 != 0;
                energy += ebm ? 1 : 0;
                double t = (double) i / rows;
                m.append(String.format(Locale.ROOT, "%d,%d,%s,%.6g,%.6g,%.6g,%.6g,0,%.3f", step, 1 + (i - 1) * epochs / rows,
                        ebm ? "energy" : "noise", 1.386 - 0.1 * t * quality, 0.5 + 0.1 * t, 1.0 + 0.8 * t,
                        (double) energy / i, step * 0.01));
                if (i % 10 == 0) {
                    m.append(String.format(Locale.ROOT, ",%.6g,%.6g,%.6g,%.6g", 2.0 * (1 - t) / quality + 0.05,
                            1.0 + 0.85 * t, -4 + 1.1 * t * quality, -4.2 + t));
                } else {
                    m.append(",,,,");
                }
                m.append('\n');
            }
            Files.writeString(dir.resolve("metrics.csv"), m.toString());
            double mse = 2.0 / quality * 0.1 + 0.05;
            Files.writeString(dir.resolve("summary.json"), String.format(Locale.ROOT, "{\"status\":\"finished\","
                    + "\"steps\":%d,\"seconds\":%.1f,\"nce_loss\":1.29,\"accuracy\":0.6,\"log_z\":1.8,\"mse_logp\":%.4f,"
                    + "\"log_z_quadrature\":1.85,\"test_loglik\":-2.9,\"flow_test_loglik\":-3.1,\"best_loglik\":-2.8316,"
                    + "\"energy_steps\":%d,\"noise_steps\":%d}", 10L * rows, rows * 0.1, mse, energy, rows - energy));
            for (int e = 1; e <= epochs; e++) {
                Path p = dir.resolve(String.format("plots/epoch_%03d.png", e));
                DensityPlot.write(p, panels(e, epochs));
                Viridis.writeCopy(p);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Three panels of Gaussian blobs on a 60 x 60 grid, moving outwards with the epoch. */
    static List<DensityPlot.Panel> panels(int epoch, int epochs) {
        int n = 60;
        List<DensityPlot.Panel> out = new ArrayList<>();
        for (String title : List.of("Data", "Flow density", "EBM density")) {
            double[] v = new double[n * n];
            double r = 0.2 + 0.6 * epoch / epochs;
            for (int ix = 0; ix < n; ix++) {
                for (int iy = 0; iy < n; iy++) {
                    double x = (ix + 0.5) / n * 2 - 1;
                    double y = (iy + 0.5) / n * 2 - 1;
                    double s = 0;
                    for (int k = 0; k < 8; k++) {
                        double cx = r * Math.cos(k * Math.PI / 4);
                        double cy = r * Math.sin(k * Math.PI / 4);
                        s += Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 0.01);
                    }
                    v[ix * n + iy] = s;
                }
            }
            out.add(new DensityPlot.Panel(title, v, n));
        }
        return out;
    }

    /** A sweep directory: 6 points (3 thresholds x 2 seeds), one failed, runs with pages, and its jobs.csv. */
    public static Path sweep(Path dir) {
        double[] thresholds = {0.5, 0.6, 0.7};
        StringBuilder jobs = new StringBuilder("index,status,schedule.threshold,seed,mse_logp,test_loglik,steps,run_dir,"
                + "overrides,message\n");
        int index = 0;
        for (double th : thresholds) {
            for (int seed = 1; seed <= 2; seed++) {
                boolean failed = index == 5;
                double quality = 1 + 4 * th * th + 0.3 * seed;
                double mse = 2.0 / quality * 0.1 + 0.05;
                Path run = dir.resolve("runs/" + index);
                if (!failed) {
                    fceRun(run, 120, 2, th, quality);
                    RunPage.write(run);
                }
                jobs.append(String.format(Locale.ROOT, "%d,%s,%s,%d,%s,%s,%s,runs/%d,\"schedule.threshold=%s seed=%d\",%s\n",
                        index, failed ? "failed" : "finished", th, seed, failed ? "" : String.format(Locale.ROOT, "%.5f", mse),
                        failed ? "" : "-2.9", failed ? "" : "1200", index, th, seed,
                        failed ? "\"exit 1, see runs/5.log\"" : ""));
                index++;
            }
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("jobs.csv"), jobs.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    public static final SweepPage.Sweep SWEEP = new SweepPage.Sweep("fce-threshold", "mse_logp", false,
            List.of("schedule.threshold", "seed"));
}
