package dev.ncelab.runners.sweep;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One swept parameter: its dotted key into the experiment and its W&B spec. {@code min}/{@code max} are Long
 * for {@code int_uniform} and Double otherwise; {@code q} is Long or Double (default 1).
 *
 * @param location {@code file:line} of the spec, for messages
 */
record ParamSpec(String name, Distribution distribution, Object value, List<Object> values,
        List<Double> probabilities, Number min, Number max, Number q, double mu, double sigma, double a, double b,
        String location) {

    /** Grids larger than this are refused (a typo such as {@code max: 100000} should not launch for days). */
    static final int MAX_GRID_VALUES = 100_000;

    /** The values a grid takes, in order: W&B's {@code range(min, max + 1)} and {@code arange(min, max, q)}. */
    List<Object> gridValues() {
        return switch (distribution) {
            case CONSTANT -> java.util.Collections.singletonList(value);
            case CATEGORICAL -> values;
            case INT_UNIFORM -> {
                List<Object> out = new ArrayList<>();
                for (long v = min.longValue(); v <= max.longValue(); v++) {
                    out.add(v);
                }
                yield out;
            }
            case Q_UNIFORM -> {
                // exact decimal steps: 0.1, 0.2, 0.3 rather than 0.30000000000000004; max excluded
                boolean ints = min instanceof Long && max instanceof Long && q instanceof Long;
                BigDecimal start = decimal(min);
                BigDecimal step = decimal(q);
                BigDecimal end = decimal(max);
                List<Object> out = new ArrayList<>();
                for (BigDecimal v = start; v.compareTo(end) < 0; v = v.add(step)) {
                    out.add(ints ? (Object) v.longValueExact() : (Object) v.doubleValue());
                }
                yield out;
            }
            default -> throw new IllegalStateException(distribution.yaml() + " has no grid");
        };
    }

    /** How many values {@link #gridValues()} gives, without building them. */
    long gridSize() {
        return switch (distribution) {
            case CONSTANT -> 1;
            case CATEGORICAL -> values.size();
            case INT_UNIFORM -> max.longValue() - min.longValue() + 1;
            case Q_UNIFORM -> {
                BigDecimal span = decimal(max).subtract(decimal(min));
                yield span.signum() <= 0 ? 0 : span.divide(decimal(q), 0, java.math.RoundingMode.CEILING).longValue();
            }
            default -> -1;
        };
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof Long l ? BigDecimal.valueOf(l) : BigDecimal.valueOf(n.doubleValue());
    }

    /** One random draw, as W&B's {@code HyperParameter.sample} (inverse CDF of one uniform, or the same law). */
    Object sample(Random rng) {
        double lo = min == null ? 0 : min.doubleValue();
        double hi = max == null ? 0 : max.doubleValue();
        return switch (distribution) {
            case CONSTANT -> value;
            case CATEGORICAL -> {
                if (probabilities == null) {
                    yield values.get(rng.nextInt(values.size()));
                }
                double u = rng.nextDouble();
                double c = 0;
                for (int i = 0; i < values.size(); i++) {
                    c += probabilities.get(i);
                    if (u < c) {
                        yield values.get(i);
                    }
                }
                yield values.get(values.size() - 1);
            }
            case INT_UNIFORM -> rng.nextLong(min.longValue(), max.longValue() + 1);
            case UNIFORM -> clamp(lo + (hi - lo) * rng.nextDouble(), lo, hi);
            case Q_UNIFORM -> quantise(lo + (hi - lo) * rng.nextDouble());
            case LOG_UNIFORM -> Math.exp(lo + (hi - lo) * rng.nextDouble());
            case LOG_UNIFORM_VALUES -> clamp(logUniform(rng, lo, hi), lo, hi);
            case INV_LOG_UNIFORM -> Math.exp(-(lo + (hi - lo) * rng.nextDouble()));
            case INV_LOG_UNIFORM_VALUES -> clamp(1 / logUniform(rng, 1 / hi, 1 / lo), lo, hi);
            case Q_LOG_UNIFORM -> quantise(Math.exp(lo + (hi - lo) * rng.nextDouble()));
            case Q_LOG_UNIFORM_VALUES -> quantise(logUniform(rng, lo, hi));
            case NORMAL -> mu + sigma * rng.nextGaussian();
            case Q_NORMAL -> quantise(mu + sigma * rng.nextGaussian());
            case LOG_NORMAL -> Math.exp(mu + sigma * rng.nextGaussian());
            case Q_LOG_NORMAL -> quantise(Math.exp(mu + sigma * rng.nextGaussian()));
            case BETA -> beta(rng);
            case Q_BETA -> quantise(beta(rng));
        };
    }

    private static double logUniform(Random rng, double lo, double hi) {
        double l = Math.log(lo);
        return Math.exp(l + (Math.log(hi) - l) * rng.nextDouble());
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** {@code round(x / q) * q}, half to even as numpy; an int when q is an int. */
    private Object quantise(double x) {
        double k = Math.rint(x / q.doubleValue());
        if (q instanceof Long l) {
            return (long) k * l;
        }
        return BigDecimal.valueOf(k).multiply(BigDecimal.valueOf(q.doubleValue())).doubleValue();
    }

    private double beta(Random rng) {
        double x = gamma(rng, a);
        double y = gamma(rng, b);
        return x / (x + y);
    }

    /** Marsaglia and Tsang's gamma sampler (shape below 1 by the U^(1/shape) boost). */
    private static double gamma(Random rng, double shape) {
        if (shape < 1) {
            return gamma(rng, shape + 1) * Math.pow(rng.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
