package dev.ncelab.plugins.datasets;

import dev.ncelab.core.data.Box;
import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.data.TrueDensity;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A generated 2-D toy data set: training points and an independent held-out draw of the same distribution,
 * both made once at creation, plus what {@link Toy} knows about the distribution.
 */
public final class ToyDataset implements Dataset {
    private final Toy toy;
    private final Matrix train;
    private final Matrix heldOut;

    public ToyDataset(Toy toy, Matrix train, Matrix heldOut) {
        this.toy = toy;
        this.train = train;
        this.heldOut = heldOut;
    }

    public Toy toy() {
        return toy;
    }

    @Override
    public int dimension() {
        return 2;
    }

    @Override
    public Matrix train() {
        return train;
    }

    @Override
    public Matrix heldOut() {
        return heldOut;
    }

    @Override
    public Optional<TrueDensity> trueDensity() {
        return Optional.ofNullable(toy.density());
    }

    @Override
    public OptionalDouble bestLogLikelihood() {
        return OptionalDouble.of(toy.bestLogLikelihood());
    }

    @Override
    public Optional<Box> box() {
        return Optional.of(toy.box());
    }
}
