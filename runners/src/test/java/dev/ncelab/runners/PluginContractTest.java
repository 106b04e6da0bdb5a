package dev.ncelab.runners;

import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.plugin.Plugins;
import dev.ncelab.core.testing.Contracts;
import dev.ncelab.core.testing.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The plugin contracts, over every dataset, noise and energy plugin registered on the class path. */
class PluginContractTest {
    static final PluginRegistry REGISTRY = Plugins.registry(PluginContractTest.class.getClassLoader());

    /** Plugins that need keys to be built at all get them here; the others run on their defaults. */
    static final Map<String, String> FIXTURES = Map.of(
            "csv", "path: " + TestData.wine() + "\n");

    @TestFactory
    Stream<DynamicTest> everyDatasetMeetsTheContract() {
        return REGISTRY.of(PluginKind.DATASET).entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            if (e.getKey().equals("csv")) {
                Assumptions.assumeTrue(Files.exists(TestData.wine()), "the wine data is not in ../shared");
            }
            Contracts.dataset(e.getKey(), e.getValue(), Contracts.bind(e.getValue(),
                    FIXTURES.getOrDefault(e.getKey(), "samples: 2000\n")));
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyNoiseModelMeetsTheContract() {
        Plugin<?, ?> eight = REGISTRY.find(PluginKind.DATASET, "8gaussians");
        return REGISTRY.of(PluginKind.NOISE).entrySet().stream().flatMap(e -> Stream.of(2, 5).map(dim ->
                DynamicTest.dynamicTest(e.getKey() + " in " + dim + "-D", () -> {
                    var data = dim == 2 ? ((Dataset) eight.createUnchecked(Contracts.bind(eight, "samples: 5000\n"),
                            new TestContext(1, null, null))).train() : TestData.gaussian(5000, dim, 7);
                    Contracts.noise(e.getKey(), e.getValue(), Contracts.bind(e.getValue(),
                            e.getKey().equals("gaussian") ? "fit: data\n" : ""), data, 0.02);
                })));
    }

    @TestFactory
    Stream<DynamicTest> everyEnergyModelMeetsTheContract() {
        return REGISTRY.of(PluginKind.ENERGY).entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () ->
                Contracts.energy(e.getKey(), e.getValue(), Contracts.bind(e.getValue(), ""),
                        TestData.gaussian(500, 3, 11))));
    }

    /** Test data locations. */
    static final class TestData {
        static Path wine() {
            String shared = System.getProperty("ncelab.shared", "../../shared");
            return Path.of(shared, "datasets", "winequality-red.csv").toAbsolutePath().normalize();
        }

        static dev.ncelab.core.data.Matrix gaussian(int n, int d, long seed) {
            java.util.Random r = new java.util.Random(seed);
            float[] v = new float[n * d];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * (1 + i % d) + i % d);
            }
            return new dev.ncelab.core.data.Matrix(v, n, d);
        }
    }
}
