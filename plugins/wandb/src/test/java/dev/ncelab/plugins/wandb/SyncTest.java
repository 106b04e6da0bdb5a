package dev.ncelab.plugins.wandb;

import static dev.ncelab.plugins.wandb.Fixtures.KEY;
import static dev.ncelab.plugins.wandb.Fixtures.fast;
import static dev.ncelab.plugins.wandb.Fixtures.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ncelab.core.config.ConfigWriter;
import dev.ncelab.core.run.AtomicFiles;
import dev.ncelab.core.run.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A run whose server is down finishes quickly with complete local files; WandbSync uploads them once. */
@Timeout(40)
class SyncTest {
    @TempDir
    Path tmp;
    FakeWandb fake;

    @BeforeEach
    void up() throws IOException {
        fake = new FakeWandb();
    }

    @AfterEach
    void down() throws IOException {
        fake.close();
    }

    private static Tuning syncTuning() {
        return fast().withBackoff(ms(20), ms(100), 3, 3);
    }

    private Map<String, String> env() {
        return Map.of("WANDB_API_KEY", KEY, "WANDB_BASE_URL", fake.url());
    }

    @Test
    void aRunWithTheServerDownFinishesQuicklyAndIsSyncedLaterWithoutDuplicates() throws Exception {
        Path dir = Fixtures.runDir(tmp, "run-down");
        Path plot = Fixtures.png(dir.resolve("plots"), "epoch_001.png", 32, 32, 1);
        String dead = "http://127.0.0.1:" + Fixtures.deadPort();
        Tuning tuning = fast().withTransmit(ms(50), ms(1000)).withBackoff(ms(20), ms(100), 1000, 1000);
        WandbLogger logger = new WandbLogger(Fixtures.settings(dead, tmp), tuning);
        logger.start(Fixtures.info(dir, "sweep-x"));
        for (int i = 0; i < 20; i++) {
            logger.log(i, Fixtures.row(i, i < 10 ? 1 : 2));
            if (i == 9) {
                logger.artifact(9, "density", plot);
            }
        }
        long t0 = System.nanoTime();
        logger.finish(RunStatus.FINISHED, Map.of("status", "finished", "value", 0.1));
        logger.close();
        long took = System.nanoTime() - t0;
        assertTrue(took < Duration.ofSeconds(3).toNanos(), "finish took " + took / 1e6 + " ms");

        List<String> local = Fixtures.lines(dir.resolve("wandb/history.jsonl"));
        assertEquals(20, local.size());
        assertTrue(Files.exists(dir.resolve("wandb/summary.json")));
        JsonNode state = Json.read(Files.readString(dir.resolve("wandb/state.json")));
        assertEquals(20, state.get("history_lines").asInt());
        assertEquals(0, state.get("history_accepted").asInt());
        assertFalse(state.get("finish_accepted").asBoolean());
        assertEquals(dead, state.get("base_url").asText());
        String runId = state.get("run_id").asText();
        String media = Json.read(local.get(9)).get("density").get("path").asText();
        assertTrue(Files.exists(dir.resolve("wandb").resolve(media)));

        Fixtures.metadata(dir, "finished"); // what core writes after the loggers finish
        assertEquals(WandbSync.OK, WandbSync.sync(dir, env(), tmp, syncTuning()));
        assertEquals(local, fake.history(runId), "every line, once, in order");
        assertEquals(0, fake.duplicates());
        assertEquals(0, fake.gaps());
        assertTrue(fake.complete());
        assertEquals(0, fake.exitCode());
        assertEquals(Files.readString(dir.resolve("wandb/summary.json")).strip(), fake.summary());
        assertTrue(fake.uploads().containsKey(media));
        JsonNode upsert = fake.graphql("UpsertBucket").get(0).json().get("variables");
        assertEquals(runId, upsert.get("name").asText(), "the run keeps its id");
        assertEquals("sweep-x", upsert.get("groupName").asText());
        assertEquals(Json.read(ConfigEncoding.encode(Fixtures.experiment())), Json.read(upsert.get("config").asText()),
                "config.yaml gives the same config as the live run");
        JsonNode after = Json.read(Files.readString(dir.resolve("wandb/state.json")));
        assertEquals(20, after.get("history_accepted").asInt());
        assertTrue(after.get("summary_accepted").asBoolean());
        assertTrue(after.get("finish_accepted").asBoolean());
        assertEquals(fake.url(), after.get("base_url").asText());

        int requests = fake.requests().size();
        assertEquals(WandbSync.OK, WandbSync.sync(dir, env(), tmp, syncTuning()));
        assertEquals(requests, fake.requests().size(), "a second sync has nothing to send");
    }

    @Test
    void aPartlyAcceptedRunResumesAtTheFirstLineTheServerLacks() throws Exception {
        fake.reportLineCount = false; // only state.json says what the server has
        Path dir = Fixtures.runDir(tmp, "run-partial");
        WandbLogger logger = new WandbLogger(Fixtures.settings(fake.url(), tmp), fast().withTransmit(ms(50), ms(800))
                .withBackoff(ms(20), ms(100), 1000, 1000));
        logger.start(Fixtures.info(dir, null));
        for (int i = 0; i < 5; i++) {
            logger.log(i, Fixtures.row(i, 1));
        }
        String[] run = new String[1];
        Fixtures.await(() -> {
            try {
                JsonNode s = Json.read(Files.readString(dir.resolve("wandb/state.json")));
                run[0] = s.path("run_id").asText();
                return s.path("history_accepted").asInt() == 4;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }, 5000);
        fake.down = true;
        for (int i = 5; i < 10; i++) {
            logger.log(i, Fixtures.row(i, 1));
        }
        logger.finish(RunStatus.DIVERGED, Map.of("status", "diverged"));
        logger.close();
        assertEquals(4, fake.historySize(run[0]));
        assertEquals(4, Json.read(Files.readString(dir.resolve("wandb/state.json"))).get("history_accepted").asInt());

        fake.down = false;
        int before = fake.fileStreams().size();
        Fixtures.metadata(dir, "diverged");
        assertEquals(WandbSync.OK, WandbSync.sync(dir, env(), tmp, syncTuning()));
        assertEquals(Fixtures.lines(dir.resolve("wandb/history.jsonl")), fake.history(run[0]));
        assertEquals(0, fake.duplicates(), "lines the server had were not sent again");
        JsonNode firstSync = fake.fileStreams().get(before).json();
        assertEquals(4, firstSync.path("files").path("wandb-history.jsonl").path("offset").asInt());
        assertEquals(1, fake.exitCode());
    }

    @Test
    void aRunWithoutWandbFilesIsRebuiltFromItsCsvSummaryConfigAndMetadata() throws Exception {
        Path dir = tmp.resolve("csv-run");
        Files.createDirectories(dir.resolve("plots"));
        Map<String, Object> wandb = new LinkedHashMap<>();
        wandb.put("enabled", false);
        wandb.put("project", "csvproj");
        wandb.put("entity", "team");
        wandb.put("tags", List.of("a", "b"));
        Map<String, Object> cfg = new LinkedHashMap<>(Fixtures.experiment());
        cfg.put("logging", Map.of("every", 10, "wandb", wandb));
        AtomicFiles.writeString(dir.resolve("config.yaml"), ConfigWriter.yaml(cfg));
        AtomicFiles.writeString(dir.resolve("metrics.csv"), String.join("\n",
                "step,epoch,trained,value,accuracy,log_z,seconds",
                "10,1,energy,0.5,,-0.1,1.5",
                "20,1,noise,NaN,0.75,-0.2,3.0",
                "30,2,energy,0.25,0.8,-0.3,4.5",
                "40,2,energy,0.2") + "\n"); // a torn last row
        AtomicFiles.writeJson(dir.resolve("summary.json"), Map.of("status", "diverged", "steps", 30));
        Fixtures.metadata(dir, "diverged");
        Path plot = Fixtures.png(dir.resolve("plots"), "epoch_001.png", 16, 16, 4);

        assertEquals(WandbSync.OK, WandbSync.sync(dir, env(), tmp, syncTuning()));
        JsonNode v = fake.graphql("UpsertBucket").get(0).json().get("variables");
        assertEquals("csvproj", v.get("project").asText());
        assertEquals("team", v.get("entity").asText());
        assertEquals("[\"a\",\"b\"]", v.get("tags").toString());
        assertEquals(Json.read(ConfigEncoding.encode(cfg)), Json.read(v.get("config").asText()));
        String runId = v.get("name").asText();
        List<String> lines = fake.history(runId);
        assertEquals(3, lines.size());
        JsonNode l0 = Json.read(lines.get(0));
        assertEquals(10, l0.get("_step").asLong());
        assertEquals(1.5, l0.get("_runtime").asDouble());
        assertEquals(1767323045.0 + 1.5, l0.get("_timestamp").asDouble(), 1e-6);
        assertEquals("energy", l0.get("trained").asText());
        assertTrue(l0.get("epoch").isIntegralNumber());
        assertFalse(l0.has("accuracy"), "an empty cell is left out");
        assertTrue(lines.get(1).contains("\"value\":NaN"), lines.get(1));
        JsonNode density = Json.read(lines.get(1)).get("density");
        assertEquals(MediaFile.sha256(Files.readAllBytes(plot)), density.get("sha256").asText());
        assertEquals(1, fake.uploads().size());
        JsonNode summary = Json.read(fake.summary());
        assertEquals("diverged", summary.get("status").asText());
        assertEquals(30, summary.get("steps").asInt());
        assertEquals(30, summary.get("_step").asInt());
        assertEquals(0.8, summary.get("accuracy").asDouble());
        assertEquals(1, fake.exitCode(), "diverged -> exit code 1");
        assertEquals(lines, Fixtures.lines(dir.resolve("wandb/history.jsonl")));
        assertEquals(runId, Json.read(Files.readString(dir.resolve("wandb/state.json"))).get("run_id").asText());
    }

    @Test
    void aRunStillMarkedRunningIsUploadedButNotMarkedFinished() throws Exception {
        Path dir = Fixtures.runDir(tmp, "killed");
        AtomicFiles.writeString(dir.resolve("metrics.csv"), "step,value\n1,0.5\n2,0.4\n");
        assertEquals(WandbSync.OK, WandbSync.sync(dir, env(), tmp, syncTuning()));
        assertFalse(fake.complete());
        assertEquals(2, fake.historySize(fake.graphql("UpsertBucket").get(0).json().get("variables").get("name")
                .asText()));
    }

    @Test
    void usageErrorsAndAnUnreachableServerGiveTheirExitCodes() throws Exception {
        assertEquals(WandbSync.USAGE, WandbSync.sync(tmp.resolve("nope"), env(), tmp, syncTuning()));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(WandbSync.USAGE, WandbSync.sync(empty, env(), tmp, syncTuning()));
        Path dir = Fixtures.runDir(tmp, "nokey");
        AtomicFiles.writeString(dir.resolve("metrics.csv"), "step,value\n1,0.5\n");
        assertEquals(WandbSync.USAGE, WandbSync.sync(dir, Map.of("WANDB_BASE_URL", fake.url()), tmp, syncTuning()));
        String dead = "http://127.0.0.1:" + Fixtures.deadPort();
        assertEquals(WandbSync.FAILED, WandbSync.sync(dir, Map.of("WANDB_API_KEY", KEY, "WANDB_BASE_URL", dead), tmp,
                syncTuning()));
    }
}
