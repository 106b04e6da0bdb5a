package dev.ncelab.core.plugin;

import ai.djl.ndarray.NDManager;
import dev.ncelab.core.data.Matrix;
import java.nio.file.Path;
import java.util.Random;

/** What a plugin may use when it is created. */
public interface PluginContext {
    /** The run seed. */
    long seed();

    /**
     * An independent random stream derived from the run seed and a purpose ("data", "heldout", "init-energy",
     * "noise"), so that adding draws to one stream never shifts another.
     */
    Random random(String stream);

    /** The data dimension; available once the dataset has been created. */
    int dimension();

    /** The training data; available once the dataset has been created (for {@code fit: data}, flow init). */
    Matrix trainingData();

    /** The long-lived manager that owns model parameters; closed when the run ends. */
    NDManager manager();

    /**
     * The component of another section ({@code noise}, {@code sampler}, ...), built on first demand. When the
     * experiment has no such section this throws a configuration error naming the section to add.
     */
    <T> T require(PluginKind kind, Class<T> type);

    /** The component of another section, if the experiment configures one. */
    <T> java.util.Optional<T> optional(PluginKind kind, Class<T> type);

    /** The run directory (loggers write here); null for a dry run. */
    Path runDirectory();

    /** Derives a stream's seed: the same run seed and name always give the same stream. */
    static long streamSeed(long seed, String stream) {
        long h = seed * 0x9E3779B97F4A7C15L + stream.hashCode();
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
