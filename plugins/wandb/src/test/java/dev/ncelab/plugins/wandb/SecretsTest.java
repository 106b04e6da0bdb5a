package dev.ncelab.plugins.wandb;

import static dev.ncelab.plugins.wandb.Fixtures.KEY;
import static dev.ncelab.plugins.wandb.Fixtures.fast;
import static dev.ncelab.plugins.wandb.Fixtures.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.run.RunInfo;
import dev.ncelab.core.run.RunStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The key never reaches a file, a log line, an exception or the W&B config, whatever happens. */
@Timeout(40)
class SecretsTest {
    @TempDir
    Path tmp;

    /** The forms the key could leak in: plain, Basic credentials, plain base64. */
    static final List<String> FORMS = List.of(KEY,
            Base64.getEncoder().encodeToString(("api:" + KEY).getBytes(StandardCharsets.UTF_8)),
            Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8)));

    private void run(Path dir, WandbSettings settings, Tuning tuning) throws Exception {
        Map<String, Object> config = new LinkedHashMap<>(Fixtures.experiment());
        // a careless caller that forgot to remove the secret: it must still not be sent
        config.put("logging", Map.of("wandb", Map.of("project", "proj", "api_key", KEY)));
        WandbLogger logger = new WandbLogger(settings, tuning);
        logger.start(new RunInfo("toy", dir.getFileName().toString(), dir, config, null, false));
        Path plot = Fixtures.png(dir.resolve("plots"), "epoch_001.png", 8, 8, 1);
        for (int i = 0; i < 30; i++) {
            logger.log(i, Fixtures.row(i, i / 10 + 1));
            if (i % 10 == 9) {
                logger.artifact(i, "density", plot);
            }
        }
        logger.finish(RunStatus.FINISHED, Map.of("status", "finished"));
        logger.close();
    }

    @Test
    void theKeyIsNowhere() throws Exception {
        try (LogCapture logs = new LogCapture(); FakeWandb fake = new FakeWandb()) {
            WandbConfig yamlKey = new WandbConfig(true, "proj", null, null, null, null, null, null, fake.url(), KEY,
                    5.0, 30.0);
            // online, with a key from the YAML section, media, retries
            fake.script("/files/", new MockResponse().setResponseCode(500).setBody("echo " + KEY));
            run(Fixtures.runDir(tmp, "online"), WandbSettings.resolve(yamlKey, Map.of(), tmp), fast());
            // a rejected key, echoed back by the server
            fake.script("/graphql", new MockResponse().setResponseCode(401).setBody("bad key " + KEY));
            run(Fixtures.runDir(tmp, "rejected"), WandbSettings.resolve(yamlKey, Map.of(), tmp), fast());
            // a dead server, then a sync
            String dead = "http://127.0.0.1:" + Fixtures.deadPort();
            Path down = Fixtures.runDir(tmp, "down");
            run(down, Fixtures.settings(dead, tmp), fast().withTransmit(ms(50), ms(500))
                    .withBackoff(ms(20), ms(50), 100, 100));
            Fixtures.metadata(down, "finished");
            assertEquals(WandbSync.OK, WandbSync.sync(down, Map.of("WANDB_API_KEY", KEY, "WANDB_BASE_URL",
                    fake.url()), tmp, fast()));
            // offline
            run(Fixtures.runDir(tmp, "offline"), WandbSettings.resolve(yamlKey, Map.of("WANDB_MODE", "offline"), tmp),
                    fast());

            int files = 0;
            for (Path f : Fixtures.allFiles(tmp)) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String form : FORMS) {
                    assertFalse(text.contains(form), "the key is in " + f);
                }
                files++;
            }
            assertTrue(files > 20, "the runs wrote their files: " + files);
            assertTrue(Files.exists(tmp.resolve("online/wandb/state.json")));
            String logText = logs.all();
            assertTrue(logText.contains("W&B rejected the API key: 401"), logText);
            for (String form : FORMS) {
                assertFalse(logText.contains(form), "the key is in the log:\n" + logText);
            }
            for (FakeWandb.Req r : fake.graphql("UpsertBucket")) {
                String config = r.json().get("variables").get("config").asText();
                assertFalse(config.contains(KEY), config);
                assertFalse(config.contains("api_key"), config);
            }
            for (FakeWandb.Req r : fake.requests()) {
                if (!r.path().startsWith("/upload/")) {
                    assertFalse(r.body().contains(KEY), "request body of " + r.path());
                }
            }
        }
    }
}
