package dev.ncelab.plugins.datasets;

import dev.ncelab.core.data.Box;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.data.TrueDensity;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * What distinguishes the six toy data sets: the registered name, the sampler, the true density where it is
 * known in closed form or by quadrature, the reference -H of §1.8, the smallest usable sample count, and the
 * plotting/quadrature box.
 *
 * <p>Box: every toy uses the reference window [-4, 4]^2, pinwheel included. Pinwheel points reach about
 * +-5, but only about 0.02% of its points fall outside the window (measured by {@code ToyStatisticsTest}), so
 * widening it would buy almost nothing in the quadrature while making its plots differ from the reference
 * GIFs and from the other data sets.
 */
public enum Toy {
    EIGHT_GAUSSIANS("8gaussians", "8 Gaussians (std 0.354) on a circle of radius 2.83; exact density known",
            Generators::eightGaussians, new EightGaussiansDensity(), -2.8316, 1),
    SPIRAL("spiral", "one spiral arm with uniform jitter and N(0, 0.1^2) noise (FCE's third figure row)",
            Generators::spiral, null, -1.96, 1),
    TWO_SPIRALS("2spirals", "two mirrored spiral arms; keeps 2*(n div 2) points",
            Generators::twoSpirals, null, -2.65, 2),
    CHECKERBOARD("checkerboard", "uniform on 8 squares of a 4x4 checkerboard on [-4, 4]^2; exact density 1/32",
            Generators::checkerboard, new CheckerboardDensity(), -Math.log(32), 1),
    RINGS("rings", "4 concentric rings (radii 3, 2.25, 1.5, 0.75) with N(0, 0.08^2) noise; density by quadrature",
            Generators::rings, new RingsDensity(), -2.6236, 1),
    PINWHEEL("pinwheel", "5 curved pinwheel arms; keeps 5*(n div 5) points; seeded (unlike the reference)",
            Generators::pinwheel, null, -2.32, 5);

    private final String key;
    private final String doc;
    private final BiFunction<Integer, Random, Matrix> sampler;
    private final TrueDensity density;
    private final double bestLogLikelihood;
    private final int minSamples;

    Toy(String key, String doc, BiFunction<Integer, Random, Matrix> sampler, TrueDensity density,
            double bestLogLikelihood, int minSamples) {
        this.key = key;
        this.doc = doc;
        this.sampler = sampler;
        this.density = density;
        this.bestLogLikelihood = bestLogLikelihood;
        this.minSamples = minSamples;
    }

    /** The registered plugin name. */
    public String key() {
        return key;
    }

    public String doc() {
        return doc;
    }

    /** n points (fewer for 2spirals and pinwheel, see their docs), all drawn from {@code random}. */
    public Matrix sample(int n, Random random) {
        return sampler.apply(n, random);
    }

    /** The true density, or null where only a histogram estimate of the entropy is known. */
    public TrueDensity density() {
        return density;
    }

    /** -H(p_data) from docs/reference-implementation.md §1.8 (exact for checkerboard, Monte Carlo or histogram for the rest). */
    public double bestLogLikelihood() {
        return bestLogLikelihood;
    }

    /** The fewest requested points that still give a non-empty set. */
    public int minSamples() {
        return minSamples;
    }

    public Box box() {
        return Box.REFERENCE;
    }
}
