package dev.ncelab.core.data;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Training data, held-out data (fresh samples or a split that training never sees), and what is known of the
 * distribution behind them.
 */
public interface Dataset {
    int dimension();

    /** The training set, generated or read once when the data set is created. */
    Matrix train();

    /** Held-out points for the truth metrics; never part of {@link #train()}. */
    Matrix heldOut();

    /** The true log-density, where known (8gaussians, checkerboard, rings). */
    default Optional<TrueDensity> trueDensity() {
        return Optional.empty();
    }

    /** The best possible mean log-likelihood, -H(p_data), where known (docs/reference-implementation.md §1.8). */
    default OptionalDouble bestLogLikelihood() {
        return OptionalDouble.empty();
    }

    /** The plotting window and quadrature box for 2-D data; empty for other dimensions. */
    default Optional<Box> box() {
        return dimension() == 2 ? Optional.of(Box.REFERENCE) : Optional.empty();
    }
}
