package dev.ncelab.plugins.wandb;

import dev.ncelab.core.config.ConfigWriter;
import dev.ncelab.core.run.AtomicFiles;
import dev.ncelab.core.run.RunInfo;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Shared test data: a distinctive key, fast timing, a run directory with the files core writes. */
final class Fixtures {
    /** A key in the on-prem shape, distinctive enough to grep for. */
    static final String KEY = "local-Zq7secretKEY0123456789abcdefghijklmnopqrstuv";
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
            ("api:" + KEY).getBytes(StandardCharsets.UTF_8));

    private Fixtures() {}

    static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }

    /** Everything in milliseconds: sends every 50 ms, retries after 20-100 ms, finish waits 5 s. */
    static Tuning fast() {
        return Tuning.defaults().withTransmit(ms(50), ms(5000)).withHeartbeat(ms(30_000))
                .withBackoff(ms(20), ms(100), 3, 50).withTimeouts(ms(1000), ms(3000));
    }

    static WandbConfig config(String project, String apiKey) {
        return new WandbConfig(true, project, null, null, null, null, null, null, null, apiKey, 5.0, 30.0);
    }

    static WandbSettings settings(String baseUrl, Path home) {
        return WandbSettings.resolve(config("proj", null), Map.of("WANDB_API_KEY", KEY, "WANDB_BASE_URL", baseUrl),
                home);
    }

    /** The resolved experiment as core hands it to loggers (nested maps). */
    static Map<String, Object> experiment() {
        Map<String, Object> lr = new LinkedHashMap<>();
        lr.put("energy", 0.001);
        lr.put("noise", 7.0e-4);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("epochs", 2);
        training.put("batch", 100);
        training.put("lr", lr);
        training.put("betas", List.of(0.9, 0.999));
        Map<String, Object> wandb = new LinkedHashMap<>();
        wandb.put("enabled", true);
        wandb.put("project", "proj");
        Map<String, Object> logging = new LinkedHashMap<>();
        logging.put("every", 10);
        logging.put("wandb", wandb);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "toy");
        m.put("seed", 42);
        m.put("dataset", Map.of("type", "8gaussians"));
        m.put("training", training);
        m.put("logging", logging);
        return m;
    }

    /** A run directory as core leaves it before loggers start: config.yaml and metadata.json. */
    static Path runDir(Path root, String name) throws IOException {
        Path dir = root.resolve(name);
        Files.createDirectories(dir.resolve("plots"));
        AtomicFiles.writeString(dir.resolve("config.yaml"), ConfigWriter.yaml(experiment()));
        metadata(dir, "running");
        return dir;
    }

    static void metadata(Path dir, String status) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", "toy");
        meta.put("id", dir.getFileName().toString());
        meta.put("status", status);
        meta.put("seed", 42);
        meta.put("group", null);
        meta.put("started", "2026-01-02T03:04:05+00:00");
        meta.put("git_commit", "abc123");
        meta.put("host", "box");
        AtomicFiles.writeJson(dir.resolve("metadata.json"), meta);
    }

    static RunInfo info(Path dir, String group) {
        return new RunInfo("toy", dir.getFileName().toString(), dir, experiment(), group, false);
    }

    static Map<String, Object> row(long step, int epoch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("epoch", epoch);
        m.put("trained", "energy");
        m.put("value", 1.0 / (step + 1));
        m.put("accuracy", step == 0 ? null : 0.5 + step / 1000.0);
        m.put("log_z", step == 30 ? Double.NaN : -0.1 * step);
        return m;
    }

    static Path png(Path dir, String name, int width, int height, int seed) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                img.setRGB(x, y, (x * 31 + y * 17 + seed * 101) & 0xffffff);
            }
        }
        Path f = dir.resolve(name);
        Files.createDirectories(dir);
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    /** A localhost port nothing listens on: connections are refused at once. */
    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    static void await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("condition not met within " + timeoutMs + " ms");
            }
            Thread.sleep(10);
        }
    }

    /** Every regular file under the roots. */
    static List<Path> allFiles(Path... roots) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path r : roots) {
            try (Stream<Path> walk = Files.walk(r)) {
                walk.filter(Files::isRegularFile).forEach(out::add);
            }
        }
        return out;
    }
}
