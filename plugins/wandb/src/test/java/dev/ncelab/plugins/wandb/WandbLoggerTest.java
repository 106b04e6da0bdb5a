package dev.ncelab.plugins.wandb;

import static dev.ncelab.plugins.wandb.Fixtures.BASIC;
import static dev.ncelab.plugins.wandb.Fixtures.fast;
import static dev.ncelab.plugins.wandb.Fixtures.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ncelab.core.run.RunStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The exact requests of a live run: UpsertBucket, file_stream batches, heartbeat, media, finish. */
@Timeout(30)
class WandbLoggerTest {
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

    static String resource(String name) throws IOException {
        try (InputStream in = WandbLoggerTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
        }
    }

    @Test
    void aRunIsUpsertedStreamedInContiguousBatchesAndFinishedWithItsExitCode() throws Exception {
        Path dir = Fixtures.runDir(tmp, "run1");
        WandbLogger logger = new WandbLogger(Fixtures.settings(fake.url(), tmp),
                fast().withTransmit(ms(200), ms(5000)));
        double t0 = System.currentTimeMillis() / 1000.0;
        logger.start(Fixtures.info(dir, "sweep-a"));
        for (int s = 0; s < 5; s++) {
            logger.log(s * 10, Fixtures.row(s * 10, 1));
        }
        logger.log(50, Fixtures.row(50, 1)); // makes step 40 complete
        Fixtures.await(() -> fake.fileStreams().size() >= 1, 5000);
        for (int s = 6; s < 12; s++) {
            logger.log(s * 10, Fixtures.row(s * 10, 2));
            Thread.sleep(60);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("status", "failed");
        summary.put("value", 0.25);
        summary.put("message", null);
        logger.finish(RunStatus.FAILED, summary);
        logger.close();
        double t1 = System.currentTimeMillis() / 1000.0;

        // 1. UpsertBucket: auth, the SDK's query text, every variable
        List<FakeWandb.Req> all = fake.requests();
        FakeWandb.Req upsert = all.get(0);
        assertEquals("/graphql", upsert.path());
        assertEquals("POST", upsert.request().getMethod());
        assertEquals(BASIC, upsert.header("Authorization"));
        assertTrue(upsert.header("Content-Type").startsWith("application/json"), upsert.header("Content-Type"));
        assertTrue(upsert.header("User-Agent").startsWith("ncelab-wandb/"));
        JsonNode body = upsert.json();
        assertEquals(List.of("query", "variables", "operationName"), names(body));
        assertEquals(resource("upsert_bucket.graphql"), body.get("query").asText());
        assertEquals("UpsertBucket", body.get("operationName").asText());
        JsonNode v = body.get("variables");
        assertEquals(List.of("id", "name", "project", "entity", "groupName", "description", "displayName", "notes",
                "commit", "config", "host", "debug", "program", "repo", "jobType", "state", "sweep", "tags",
                "summaryMetrics"), names(v));
        String runId = v.get("name").asText();
        assertTrue(runId.matches("[a-z0-9]{8}"), runId);
        assertTrue(v.get("id").isNull());
        assertEquals("proj", v.get("project").asText());
        assertTrue(v.get("entity").isNull());
        assertEquals("sweep-a", v.get("groupName").asText());
        assertTrue(v.get("displayName").isNull());
        assertEquals("abc123", v.get("commit").asText());
        assertEquals("box", v.get("host").asText());
        assertEquals("ncelab", v.get("program").asText());
        assertTrue(v.get("tags").isNull());
        assertTrue(v.get("sweep").isNull());
        assertTrue(v.get("config").isTextual(), "config is a JSON string");
        JsonNode config = Json.read(v.get("config").asText());
        // the SDK's shape: one entry per top-level key, the value nested (run.config["training"]["batch"])
        Map<String, Object> experiment = Fixtures.experiment();
        assertEquals(new ArrayList<>(experiment.keySet()), names(config).subList(0, experiment.size()));
        assertEquals(experiment.size() + 1, config.size());
        assertEquals(100, config.get("training").get("value").get("batch").asInt());
        assertEquals(0.001, config.get("training").get("value").get("lr").get("energy").asDouble());
        assertTrue(config.get("training").has("desc") && config.get("training").get("desc").isNull());
        assertEquals("toy", config.get("name").get("value").asText());
        assertEquals("[0.9,0.999]", config.get("training").get("value").get("betas").toString());
        assertEquals("{\"t\":{}}", config.get("_wandb").get("value").toString());
        assertTrue(config.get("training.lr.energy") == null, "no flattened keys");

        // 2. file_stream: URL, auth, contiguous offsets across batches, whole summaries
        List<FakeWandb.Req> streams = fake.fileStreams();
        assertTrue(streams.size() >= 3, "expected several batches, got " + streams.size());
        long expectedOffset = 0;
        int batchesWithLines = 0;
        List<String> sent = new ArrayList<>();
        for (FakeWandb.Req r : streams) {
            assertEquals("/files/alice/proj/" + runId + "/file_stream", r.path());
            assertEquals(BASIC, r.header("Authorization"));
            JsonNode h = r.json().path("files").path("wandb-history.jsonl");
            if (!h.isMissingNode()) {
                assertEquals(expectedOffset, h.get("offset").asLong(), "offsets must be contiguous");
                expectedOffset += h.get("content").size();
                h.get("content").forEach(l -> sent.add(l.asText()));
                batchesWithLines++;
            }
            JsonNode s = r.json().path("files").path("wandb-summary.json");
            if (!s.isMissingNode()) {
                assertEquals(0, s.get("offset").asInt());
                assertEquals(1, s.get("content").size());
                JsonNode summaryObject = Json.read(s.get("content").get(0).asText());
                long lastStep = Json.read(sent.get(sent.size() - 1)).get("_step").asLong();
                assertEquals(lastStep, summaryObject.get("_step").asLong(), "the summary is the whole latest state");
                assertTrue(summaryObject.has("trained") && summaryObject.has("epoch") && summaryObject.has("_wandb"));
            }
        }
        assertTrue(batchesWithLines >= 2, "lines should span batches");
        assertEquals(12, sent.size());
        for (int i = 0; i < sent.size(); i++) {
            JsonNode line = Json.read(sent.get(i));
            assertEquals(List.of("_step", "_runtime", "_timestamp"), names(line).subList(0, 3));
            assertEquals(i * 10L, line.get("_step").asLong());
            assertTrue(line.get("_runtime").asDouble() >= 0 && line.get("_runtime").asDouble() < 20);
            double ts = line.get("_timestamp").asDouble();
            assertTrue(ts >= t0 - 1 && ts <= t1 + 1, "timestamp " + ts);
            assertEquals(i == 0 ? null : 0.5 + i * 10 / 1000.0, line.has("accuracy") ? line.get("accuracy").asDouble()
                    : null, "a null metric is left out");
        }
        assertTrue(sent.get(3).contains("\"log_z\":NaN"), "non-finite numbers as bare tokens: " + sent.get(3));

        // 3. the finish: last request, complete with the exit code, final summary merged
        FakeWandb.Req last = all.get(all.size() - 1);
        assertTrue(last.path().endsWith("/file_stream"));
        assertTrue(last.json().get("complete").asBoolean());
        assertEquals(1, last.json().get("exitcode").asInt());
        JsonNode finalSummary = Json.read(fake.summary());
        assertEquals("failed", finalSummary.get("status").asText());
        assertEquals(0.25, finalSummary.get("value").asDouble());
        assertEquals(110, finalSummary.get("_step").asLong());
        assertFalse(finalSummary.has("message"));
        assertTrue(finalSummary.get("_wandb").has("runtime"));
        assertEquals(1, fake.exitCode());
        assertEquals(0, fake.duplicates());
        assertEquals(0, fake.gaps());

        // 4. local files: the same lines, the state of the upload
        assertEquals(sent, Fixtures.lines(dir.resolve("wandb/history.jsonl")));
        assertEquals(fake.summary(), Files.readString(dir.resolve("wandb/summary.json")).strip());
        JsonNode state = Json.read(Files.readString(dir.resolve("wandb/state.json")));
        assertEquals(runId, state.get("run_id").asText());
        assertEquals("alice", state.get("entity").asText());
        assertEquals("proj", state.get("project").asText());
        assertEquals(fake.url(), state.get("base_url").asText());
        assertEquals(12, state.get("history_lines").asLong());
        assertEquals(12, state.get("history_accepted").asLong());
        assertTrue(state.get("summary_accepted").asBoolean());
        assertTrue(state.get("finish_accepted").asBoolean());
        assertEquals(1, state.get("exit_code").asInt());
        assertEquals(fake.url() + "/alice/proj/runs/" + runId, state.get("run_url").asText());
    }

    @Test
    void anIdleRunSendsAnEmptyHeartbeat() throws Exception {
        Path dir = Fixtures.runDir(tmp, "run-hb");
        WandbLogger logger = new WandbLogger(Fixtures.settings(fake.url(), tmp), fast().withHeartbeat(ms(250)));
        logger.start(Fixtures.info(dir, null));
        logger.log(0, Fixtures.row(0, 1));
        logger.log(1, Fixtures.row(1, 1));
        Fixtures.await(() -> fake.fileStreams().stream().anyMatch(r -> r.body().equals("{}")), 5000);
        logger.log(2, Fixtures.row(2, 1));
        logger.finish(RunStatus.FINISHED, Map.of());
        logger.close();
        List<FakeWandb.Req> streams = fake.fileStreams();
        for (int i = 1; i < streams.size(); i++) {
            if (streams.get(i).body().equals("{}")) {
                long idle = streams.get(i).nanos() - streams.get(i - 1).nanos();
                assertTrue(idle >= ms(200).toNanos(), "heartbeat after only " + idle / 1e6 + " ms");
            }
        }
        assertEquals("{}", streams.stream().filter(r -> r.body().equals("{}")).findFirst().orElseThrow().body());
        assertTrue(fake.complete());
        assertEquals(0, fake.exitCode());
        assertEquals(3, fake.historySize(Json.read(Files.readString(dir.resolve("wandb/state.json")))
                .get("run_id").asText()));
    }

    @Test
    void densityPlotsAreUploadedAsMediaAtMostOncePerEpochAndReferencedFromTheirLine() throws Exception {
        Path dir = Fixtures.runDir(tmp, "run-media");
        Path p1 = Fixtures.png(dir.resolve("plots"), "epoch_001.png", 64, 48, 1);
        Path p2 = Fixtures.png(dir.resolve("plots"), "extra.png", 64, 48, 2);
        Path p3 = Fixtures.png(dir.resolve("plots"), "epoch_002.png", 64, 48, 3);
        WandbLogger logger = new WandbLogger(Fixtures.settings(fake.url(), tmp), fast());
        logger.start(Fixtures.info(dir, null));
        logger.log(10, Fixtures.row(10, 1));
        logger.artifact(10, "density", p1);
        logger.artifact(10, "density", p2); // same epoch: ignored
        logger.log(20, Fixtures.row(20, 1));
        logger.artifact(20, "density", p2); // same epoch again: ignored
        logger.log(30, Fixtures.row(30, 2));
        logger.artifact(30, "density", p3);
        logger.finish(RunStatus.FINISHED, Map.of());
        logger.close();

        String runId = Json.read(Files.readString(dir.resolve("wandb/state.json"))).get("run_id").asText();
        List<String> lines = fake.history(runId);
        assertEquals(3, lines.size());
        byte[] b1 = Files.readAllBytes(p1);
        String sha1 = MediaFile.sha256(b1);
        String path1 = "media/images/density_10_" + sha1.substring(0, 20) + ".png";
        JsonNode ref = Json.read(lines.get(0)).get("density");
        assertEquals("image-file", ref.get("_type").asText());
        assertEquals(path1, ref.get("path").asText());
        assertEquals(sha1, ref.get("sha256").asText());
        assertEquals(b1.length, ref.get("size").asLong());
        assertEquals("png", ref.get("format").asText());
        assertEquals(64, ref.get("width").asInt());
        assertEquals(48, ref.get("height").asInt());
        assertFalse(Json.read(lines.get(1)).has("density"));
        String path3 = Json.read(lines.get(2)).get("density").get("path").asText();
        assertTrue(path3.startsWith("media/images/density_30_"));

        List<FakeWandb.Req> creates = fake.graphql("CreateRunFiles");
        assertFalse(creates.isEmpty());
        JsonNode first = creates.get(0).json();
        assertEquals(resource("create_run_files.graphql"), first.get("query").asText());
        assertEquals(BASIC, creates.get(0).header("Authorization"));
        List<String> asked = new ArrayList<>();
        for (FakeWandb.Req c : creates) {
            JsonNode v = c.json().get("variables");
            assertEquals(List.of("entity", "project", "run", "files"), names(v));
            assertEquals("alice", v.get("entity").asText());
            assertEquals("proj", v.get("project").asText());
            assertEquals(runId, v.get("run").asText());
            v.get("files").forEach(f -> asked.add(f.asText()));
        }
        assertEquals(List.of(path1, path3), asked);
        List<FakeWandb.Req> puts = fake.requests("/upload/");
        assertEquals(2, puts.size());
        for (FakeWandb.Req put : puts) {
            assertEquals("PUT", put.request().getMethod());
            assertNull(put.header("Authorization"), "presigned uploads carry no W&B credentials");
            assertEquals("yes", put.header("X-Test-Upload"));
        }
        assertTrue(java.util.Arrays.equals(b1, fake.uploads().get(path1)));
        List<String> notified = new ArrayList<>();
        fake.fileStreams().forEach(r -> r.json().path("uploaded").forEach(u -> notified.add(u.asText())));
        assertEquals(List.of(path1, path3), notified);
        assertTrue(Files.exists(dir.resolve("wandb").resolve(path1)));
        JsonNode state = Json.read(Files.readString(dir.resolve("wandb/state.json")));
        assertEquals(2, state.get("uploaded_files").size());
    }

    @Test
    void offlineModeWritesOnlyLocalFiles() throws Exception {
        Path dir = Fixtures.runDir(tmp, "run-off");
        WandbSettings s = WandbSettings.resolve(Fixtures.config("proj", null), Map.of("WANDB_API_KEY", Fixtures.KEY,
                "WANDB_BASE_URL", fake.url(), "WANDB_MODE", "offline"), tmp);
        WandbLogger logger = new WandbLogger(s, fast());
        logger.start(Fixtures.info(dir, null));
        for (int i = 0; i < 5; i++) {
            logger.log(i, Fixtures.row(i, 1));
        }
        logger.finish(RunStatus.FINISHED, Map.of("status", "finished"));
        logger.close();
        assertEquals(0, fake.requests().size());
        assertEquals(5, Fixtures.lines(dir.resolve("wandb/history.jsonl")).size());
        JsonNode state = Json.read(Files.readString(dir.resolve("wandb/state.json")));
        assertEquals("offline", state.get("mode").asText());
        assertEquals(0, state.get("history_accepted").asInt());
        assertEquals(0, state.get("exit_code").asInt());
        assertNotNull(Files.readString(dir.resolve("wandb/summary.json")));
    }

    static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
