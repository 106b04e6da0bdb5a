package dev.ncelab.plugins.datasets;

import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.plugin.PluginContext;

/**
 * The six toy data set plugins. They share {@link ToyConfig} and one factory; each subclass only fixes its
 * {@link Toy}, because the registry binds one class per name. Training points come from the run's "data"
 * stream and held-out points from its "heldout" stream, so the same seed gives the same numbers and the
 * held-out set is a fresh draw, never a copy of training points.
 */
public final class ToyPlugins {
    private ToyPlugins() {}

    /** The shared factory of the toy plugins. */
    public abstract static class Base implements Plugin<ToyConfig, Dataset> {
        private final Toy toy;

        protected Base(Toy toy) {
            this.toy = toy;
        }

        public Toy toy() {
            return toy;
        }

        @Override
        public Class<ToyConfig> configType() {
            return ToyConfig.class;
        }

        @Override
        public String doc() {
            return toy.doc();
        }

        @Override
        public Dataset create(ToyConfig config, PluginContext context) {
            check("dataset.samples", config.samples());
            check("dataset.held_out", config.heldOut());
            return new ToyDataset(toy, sample(config.samples(), context, "data"),
                    sample(config.heldOut(), context, "heldout"));
        }

        private Matrix sample(int n, PluginContext context, String stream) {
            return SampleCache.sample(toy, n, context.random(stream), context.random(stream));
        }

        private void check(String key, int n) {
            if (n < toy.minSamples()) {
                throw new ConfigException("", key, toy.key() + " needs at least " + toy.minSamples()
                        + " points (it keeps " + toy.minSamples() + " * (n div " + toy.minSamples() + ")), found "
                        + n + ": give " + toy.minSamples() + " or more");
            }
        }
    }

    /** {@code 8gaussians}. */
    public static final class EightGaussians extends Base {
        public EightGaussians() {
            super(Toy.EIGHT_GAUSSIANS);
        }
    }

    /** {@code spiral}. */
    public static final class Spiral extends Base {
        public Spiral() {
            super(Toy.SPIRAL);
        }
    }

    /** {@code 2spirals}. */
    public static final class TwoSpirals extends Base {
        public TwoSpirals() {
            super(Toy.TWO_SPIRALS);
        }
    }

    /** {@code checkerboard}. */
    public static final class Checkerboard extends Base {
        public Checkerboard() {
            super(Toy.CHECKERBOARD);
        }
    }

    /** {@code rings}. */
    public static final class Rings extends Base {
        public Rings() {
            super(Toy.RINGS);
        }
    }

    /** {@code pinwheel}. */
    public static final class Pinwheel extends Base {
        public Pinwheel() {
            super(Toy.PINWHEEL);
        }
    }
}
