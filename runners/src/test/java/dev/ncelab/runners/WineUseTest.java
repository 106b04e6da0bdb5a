package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped NCE wine experiment, shortened to 1,000 steps, then {@code score --heldout} and {@code impute
 * --evaluate quality}; skipped when the wine file is not in ../shared/datasets.
 */
@Tag("long")
class WineUseTest {
    @Test
    void nceWineBeatsTheGaussianAndTheMeanImputation(@TempDir Path dir) throws Exception {
        String shared = System.getProperty("ncelab.shared");
        Path wine = (shared != null ? Path.of(shared) : Path.of("../../shared"))
                .resolve("datasets/winequality-red.csv");
        Assumptions.assumeTrue(Files.isRegularFile(wine), "the shared wine file is not at " + wine);
        Cli.Result r = Cli.run("run", Path.of("../experiments/nce-wine.yaml").toString(), "dataset.path=" + wine,
                "training.max_steps=1000", "logging.plots=false", "output=" + dir, "--quiet");
        assertEquals(0, r.code(), r.err());
        Path run = EndToEndTest.runDir(dir);
        Path json = dir.resolve("heldout.json");
        r = Cli.run("score", run.toString(), "--heldout", "--is-samples", "20000", "--output", json.toString());
        assertEquals(0, r.code(), r.err());
        var node = EndToEndTest.JSON.readTree(json.toFile());
        double ebm = node.get("ebm_test_loglik").asDouble();
        double gauss = node.get("gaussian_test_loglik").asDouble();
        System.out.printf("[use] wine NCE 1000 steps: held-out %.3f vs Gaussian %.3f (ESS %.0f)%n", ebm, gauss,
                node.get("ess").asDouble());
        // measured with seed 42: -12.6 at step 1,000 against the Gaussian's -14.30 (a margin of 1.7 nats; the
        // estimate's spread over proposal seeds was 0.04): the EBM must win by at least 0.5
        assertTrue(ebm > gauss + 0.5, "EBM " + ebm + " vs Gaussian " + gauss);
        r = Cli.run("impute", run.toString(), "--evaluate", "quality");
        assertEquals(0, r.code(), r.err());
        double e = rmse(r.out(), "EBM conditional");
        double mean = rmse(r.out(), "mean imputation");
        System.out.printf("[use] wine quality RMSE: EBM %.3f, mean %.3f%n", e, mean);
        // measured: 0.68-0.72 against the mean imputation's 0.808 (300-3,000 steps)
        assertTrue(e < 0.95 * mean, "EBM " + e + " vs mean " + mean);
    }

    private static double rmse(String out, String method) {
        Matcher m = Pattern.compile(Pattern.quote(method) + "\\s+([0-9.]+)").matcher(out);
        assertTrue(m.find(), method + " in " + out);
        return Double.parseDouble(m.group(1));
    }
}
