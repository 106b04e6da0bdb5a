package dev.ncelab.plugins.datasets;

import dev.ncelab.core.config.ConfigBinder;
import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.testing.TestContext;
import java.util.Set;

/** Shared helpers: binding a config from YAML as the loader does, and making toy data sets. */
final class Fixtures {
    private Fixtures() {}

    /** Binds YAML text onto a config record under the key {@code dataset}, throwing the collected errors. */
    static <R extends Record> R bind(Class<R> type, String yaml) {
        ConfigDocument doc = ConfigDocument.parse(yaml, "test.yaml");
        ConfigBinder binder = new ConfigBinder(doc);
        R r = binder.bind(type, doc.root(), "dataset", Set.of("type"));
        binder.throwIfErrors();
        return r;
    }

    static Dataset toy(Toy toy, int samples, int heldOut, long seed) {
        return plugin(toy).create(new ToyConfig(samples, heldOut), new TestContext(seed, null, null));
    }

    static ToyPlugins.Base plugin(Toy toy) {
        return switch (toy) {
            case EIGHT_GAUSSIANS -> new ToyPlugins.EightGaussians();
            case SPIRAL -> new ToyPlugins.Spiral();
            case TWO_SPIRALS -> new ToyPlugins.TwoSpirals();
            case CHECKERBOARD -> new ToyPlugins.Checkerboard();
            case RINGS -> new ToyPlugins.Rings();
            case PINWHEEL -> new ToyPlugins.Pinwheel();
        };
    }

    static double[] columnStd(Matrix m) {
        double[][] c = m.covariance();
        double[] s = new double[m.cols()];
        for (int j = 0; j < s.length; j++) {
            s[j] = Math.sqrt(c[j][j]);
        }
        return s;
    }
}
