package dev.ncelab.core.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * One run's directory, {@code <output>/<name>/<yyyyMMdd-HHmmss>_<hash>/}, and the names of what it holds.
 * The hash is of the resolved configuration, so equal configurations are easy to spot.
 */
public final class RunDirectory {
    /** Below this much free space a run refuses to start. */
    static final long MIN_FREE_BYTES = 50L * 1024 * 1024;

    private final Path path;

    public RunDirectory(Path path) {
        this.path = path;
    }

    /** Creates a fresh run directory, after checking that the output root is writable and has space. */
    public static RunDirectory create(Path outputRoot, String name, String resolvedConfig) {
        checkWritable(outputRoot);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String base = stamp + "_" + hash(resolvedConfig);
        Path parent = outputRoot.resolve(name);
        try {
            Files.createDirectories(parent);
            Path dir = parent.resolve(base);
            for (int i = 2; Files.exists(dir); i++) {
                dir = parent.resolve(base + "-" + i);
            }
            Files.createDirectory(dir);
            Files.createDirectories(dir.resolve("plots"));
            Files.createDirectories(dir.resolve("checkpoints"));
            return new RunDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory under " + parent + ": " + e.getMessage(), e);
        }
    }

    /** Fails early, with the fix, when the output root cannot take a run. */
    public static void checkWritable(Path outputRoot) {
        try {
            Files.createDirectories(outputRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the output directory " + outputRoot + " (" + e.getMessage()
                    + "); choose another with output=<dir>", e);
        }
        if (!Files.isWritable(outputRoot)) {
            throw new UncheckedIOException(new IOException("the output directory " + outputRoot
                    + " is not writable; choose another with output=<dir>"));
        }
        try {
            FileStore store = Files.getFileStore(outputRoot);
            if (store.getUsableSpace() < MIN_FREE_BYTES) {
                throw new UncheckedIOException(new IOException("only " + store.getUsableSpace() / (1024 * 1024)
                        + " MB free under " + outputRoot + "; a run needs at least " + MIN_FREE_BYTES / (1024 * 1024)
                        + " MB: free some space or choose another output=<dir>"));
            }
        } catch (IOException e) {
            // the free space is unknown on this file system: go on
        }
    }

    public static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path path() {
        return path;
    }

    public String id() {
        return path.getFileName().toString();
    }

    public Path config() {
        return path.resolve("config.yaml");
    }

    public Path overrides() {
        return path.resolve("overrides.txt");
    }

    public Path metadata() {
        return path.resolve("metadata.json");
    }

    public Path metrics() {
        return path.resolve("metrics.csv");
    }

    public Path summary() {
        return path.resolve("summary.json");
    }

    public Path log() {
        return path.resolve("run.log");
    }

    public Path plots() {
        return path.resolve("plots");
    }

    public Path checkpoints() {
        return path.resolve("checkpoints");
    }

    public Path checkpoint() {
        return checkpoints().resolve("last.ckpt");
    }
}
