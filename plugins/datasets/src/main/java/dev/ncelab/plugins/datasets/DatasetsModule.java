package dev.ncelab.plugins.datasets;

import dev.ncelab.core.plugin.PluginModule;

/** Registers the six 2-D toy data sets of docs/reference-implementation.md §1 and the CSV table reader of §7. */
public final class DatasetsModule extends PluginModule {
    @Override
    protected void configure() {
        dataset(Toy.EIGHT_GAUSSIANS.key(), ToyPlugins.EightGaussians.class);
        dataset(Toy.SPIRAL.key(), ToyPlugins.Spiral.class);
        dataset(Toy.TWO_SPIRALS.key(), ToyPlugins.TwoSpirals.class);
        dataset(Toy.CHECKERBOARD.key(), ToyPlugins.Checkerboard.class);
        dataset(Toy.RINGS.key(), ToyPlugins.Rings.class);
        dataset(Toy.PINWHEEL.key(), ToyPlugins.Pinwheel.class);
        dataset("csv", CsvPlugin.class);
    }
}
