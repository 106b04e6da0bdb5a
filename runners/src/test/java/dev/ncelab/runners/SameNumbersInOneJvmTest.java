package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.experiment.ExperimentConfig;
import dev.ncelab.core.experiment.ExperimentLoader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * One seed, the same numbers, also when two runs share a JVM (a sweep's warm worker trains several points in one):
 * the second run's arrays sit at other addresses, and BLAS kernels whose results depend on the alignment of their
 * operands would make its FCE run drift from the first (the alternation amplifies last-bit differences). The
 * launcher's {@code MKL_CBWR=AUTO,STRICT} (set for the tests too, in the pom) keeps MKL's results independent of
 * alignment; the parameters live in one 64-byte aligned block. Direct buffers of odd sizes kept alive between the
 * runs shift the allocator.
 */
@Tag("long")
class SameNumbersInOneJvmTest {
    /** The reference-sized FCE set-up on 8gaussians with the given flow, and {@code key=value} overrides. */
    static ExperimentConfig config(String flow, String... overrides) {
        String yaml = """
                seed: 11
                dataset:  {type: 8gaussians, samples: 20000}
                energy:   {type: mlp, hidden: [128, 128]}
                noise:    {type: %s}
                objective: {type: nce}
                schedule: {type: fce, threshold: 0.6}
                training: {epochs: 10, batch: 1000, max_steps: 300}
                logging:  {every: 1, eval_every: 1000, plots: false}
                """.formatted(flow);
        ConfigDocument doc = ConfigDocument.parse(yaml, "same.yaml");
        for (String o : overrides) {
            doc.override(o);
        }
        return new ExperimentLoader(FceTest.REGISTRY).bind(doc, "same");
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void twoRunsInOneJvmAgreeBitForBit(String flow, @TempDir Path dir) throws Exception {
        Map<String, float[]> first = FceTest.train(config(flow), dir.resolve("a")).get("e1");
        // shift the allocator: direct buffers of odd sizes stay alive during the second run
        List<ByteBuffer> ballast = new ArrayList<>();
        for (int i = 1; i < 200; i++) {
            ballast.add(ByteBuffer.allocateDirect(i * 24 + 8));
        }
        Map<String, float[]> second = FceTest.train(config(flow), dir.resolve("b")).get("e1");
        assertTrue(ballast.size() > 0);
        assertEquals(first.keySet(), second.keySet());
        first.forEach((k, v) -> assertTrue(Arrays.equals(v, second.get(k)),
                "parameter " + k + " of the EBM differs between two runs with one seed in one JVM"));
    }
}
