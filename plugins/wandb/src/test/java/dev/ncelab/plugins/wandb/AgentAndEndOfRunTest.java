package dev.ncelab.plugins.wandb;

import static dev.ncelab.plugins.wandb.Fixtures.fast;
import static dev.ncelab.plugins.wandb.Fixtures.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ncelab.core.run.RunLogger;
import dev.ncelab.core.run.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: runs started by {@code wandb agent} log to their sweep; a reused run id appends after the server's
 * lines; a server that closes every connection costs no back-off; the end of a run waits while the server makes
 * progress, and a run whose first UpsertBucket was still retrying is neither lost nor silent.
 */
@Timeout(60)
class AgentAndEndOfRunTest {
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

    /** What {@code wandb agent} puts in a run's environment (it never sets WANDB_MODE). */
    private Map<String, String> agentEnv(String runId) {
        Map<String, String> env = new HashMap<>();
        env.put("WANDB_SWEEP_ID", "swp123ab");
        env.put("WANDB_RUN_ID", runId);
        env.put("WANDB_PROJECT", "sweeps-proj");
        env.put("WANDB_ENTITY", "alice");
        env.put("WANDB_SWEEP_PARAM_PATH", tmp.resolve("wandb/sweep-swp123ab/config-" + runId + ".yaml").toString());
        env.put("WANDB_API_KEY", Fixtures.KEY);
        env.put("WANDB_BASE_URL", fake.url());
        return env;
    }

    /** The section as an experiment that never mentions W&B binds it: every key at its default. */
    private static WandbConfig defaults() {
        return defaults(30.0);
    }

    private static WandbConfig defaults(double finishTimeout) {
        return new WandbConfig(false, null, null, null, null, null, null, null, null, null, 5.0, finishTimeout);
    }

    private static void train(RunLogger logger, Path dir, int steps) {
        logger.start(Fixtures.info(dir, null));
        for (int i = 0; i < steps; i++) {
            logger.log(i, Fixtures.row(i, 1));
        }
        logger.finish(RunStatus.FINISHED, Map.of("status", "finished"));
        logger.close();
    }

    @Test
    void aRunStartedByTheAgentLogsToItsSweepUnlessWandbIsDisabled() throws Exception {
        Path dir = Fixtures.runDir(tmp, "agent");
        RunLogger logger = new WandbPlugin(agentEnv("agentrun1"), tmp, fast()).create(defaults(), null);
        assertTrue(logger instanceof WandbLogger, "WANDB_SWEEP_ID without WANDB_MODE turns logging on");
        train(logger, dir, 4);
        JsonNode v = fake.graphql("UpsertBucket").get(0).json().get("variables");
        assertEquals("swp123ab", v.get("sweep").asText(), "the run attaches to its sweep");
        assertEquals("agentrun1", v.get("name").asText());
        assertEquals("sweeps-proj", v.get("project").asText());
        assertEquals(4, fake.historySize("agentrun1"));
        assertTrue(fake.complete());
        assertEquals("swp123ab", Json.read(Files.readString(dir.resolve("wandb/state.json"))).get("sweep_id")
                .asText(), "kept for a later wandb-sync");

        Map<String, String> disabled = agentEnv("agentrun2");
        disabled.put("WANDB_MODE", "disabled");
        assertEquals(RunLogger.NONE, new WandbPlugin(disabled, tmp, fast()).create(defaults(), null));
        Map<String, String> noSweep = agentEnv("agentrun3");
        noSweep.remove("WANDB_SWEEP_ID");
        assertEquals(RunLogger.NONE, new WandbPlugin(noSweep, tmp, fast()).create(defaults(), null),
                "without a sweep, the old rule (WANDB_MODE plus a project, or enabled: true) still holds");
    }

    @Test
    void aReusedRunIdAppendsAfterTheLinesTheServerAlreadyHas() throws Exception {
        fake.seedHistory("reused01", 5);
        Map<String, String> env = agentEnv("reused01");
        env.remove("WANDB_SWEEP_ID");
        WandbSettings settings = WandbSettings.resolve(Fixtures.config("sweeps-proj", null), env, tmp);
        train(new WandbLogger(settings, fast()), Fixtures.runDir(tmp, "fresh"), 3);
        List<String> h = fake.history("reused01");
        assertEquals(8, h.size(), "5 old lines, then 3 new ones");
        assertEquals(0, fake.duplicates(), "no old line was overwritten");
        assertTrue(h.get(4).contains("\"old\":true"), h.get(4));
        assertFalse(h.get(5).contains("\"old\""), h.get(5));
    }

    @Test
    void aServerThatClosesEveryConnectionCostsNoBackoff() throws Exception {
        fake.closeEachConnection = true;
        // back-off of 2 s as the SDK's (DefaultRetryWaitMin): a single back-off would show as a 2 s gap
        Tuning t = fast().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(2), 3, 50);
        try (LogCapture logs = new LogCapture()) {
            Path dir = Fixtures.runDir(tmp, "closing");
            WandbLogger logger = new WandbLogger(Fixtures.settings(fake.url(), tmp), t);
            logger.start(Fixtures.info(dir, null));
            for (int i = 0; i < 30; i++) {
                logger.log(i, Fixtures.row(i, 1));
                if (i % 10 == 9) {
                    int sent = fake.fileStreams().size();
                    Fixtures.await(() -> fake.fileStreams().size() > sent, 10_000); // a request per batch, so
                }                                                                  // connections get reused
            }
            logger.finish(RunStatus.FINISHED, Map.of());
            logger.close();
            String runId = Json.read(Files.readString(dir.resolve("wandb/state.json"))).get("run_id").asText();
            assertEquals(30, fake.historySize(runId));
            assertTrue(fake.complete());
            assertTrue(fake.fileStreams().size() >= 4, "several requests, so pooled connections were reused");
            assertTrue(logs.all().contains("on a reused connection"), "the stale connections were met:\n"
                    + logs.all());
            assertTrue(logs.atLeast(Level.WARN).isEmpty(), "no failure, no back-off:\n" + logs.all());
            List<FakeWandb.Req> all = fake.requests();
            for (int i = 1; i < all.size(); i++) {
                long gap = all.get(i).nanos() - all.get(i - 1).nanos();
                assertTrue(gap < ms(1500).toNanos(), "a back-off of 2 s between requests " + (i - 1) + " and " + i
                        + ": " + gap / 1e6 + " ms");
            }
        }
    }

    @Test
    void theEndOfARunKeepsUploadingWhileTheServerMakesProgress() throws Exception {
        fake.streamDelayMillis = 150;
        // finish timeout 600 ms; the end upload needs about 12 requests of 150 ms each (20 lines, 2 a request),
        // i.e. about 1.8 s, three times the timeout, though every request succeeds
        Tuning t = fast().withTransmit(ms(10), ms(600)).withBatch(2, 1 << 20);
        try (LogCapture logs = new LogCapture()) {
            Path dir = Fixtures.runDir(tmp, "slow");
            WandbLogger logger = new WandbLogger(Fixtures.settings(fake.url(), tmp), t);
            logger.start(Fixtures.info(dir, null));
            Fixtures.await(() -> !fake.graphql("UpsertBucket").isEmpty(), 10_000);
            for (int i = 0; i < 20; i++) {
                logger.log(i, Fixtures.row(i, 1));
            }
            logger.finish(RunStatus.FINISHED, Map.of());
            logger.close();
            String runId = Json.read(Files.readString(dir.resolve("wandb/state.json"))).get("run_id").asText();
            assertEquals(20, fake.historySize(runId));
            assertTrue(fake.complete(), "the run is marked finished:\n" + logs.all());
            assertTrue(logs.all().contains("uploading the end of the run"), "a progress line:\n" + logs.all());
        }
    }

    @Test
    void aRunWhoseFirstUpsertBucketStillRetriesIsNotLost() throws Exception {
        // fast(): 3 GraphQL retries; the server answers the first 6 UpsertBuckets with 503, then recovers
        fake.graphqlFailures.set(6);
        Path dir = Fixtures.runDir(tmp, "late");
        WandbLogger logger = new WandbLogger(Fixtures.settings(fake.url(), tmp), fast());
        logger.start(Fixtures.info(dir, null));
        for (int i = 0; i < 5; i++) {
            logger.log(i, Fixtures.row(i, 1));
        }
        Fixtures.await(() -> fake.graphql("UpsertBucket").size() >= 7, 10_000);
        logger.finish(RunStatus.FINISHED, Map.of());
        logger.close();
        String runId = Json.read(Files.readString(dir.resolve("wandb/state.json"))).get("run_id").asText();
        assertEquals(5, fake.historySize(runId), "the run attached once the server came back");
        assertTrue(fake.complete());
    }

    @Test
    void aServerThatNeverAnswersEndsTheRunWithTheCommandThatFinishesTheUpload() throws Exception {
        fake.down = true;
        Tuning t = fast();
        Map<String, String> env = agentEnv("downrun1");
        try (LogCapture logs = new LogCapture()) {
            Path dir = Fixtures.runDir(tmp, "down");
            long t0 = System.nanoTime();
            train(new WandbPlugin(env, tmp, t).create(defaults(0.5), null), dir, 4);
            long took = System.nanoTime() - t0;
            // 500 ms finish timeout, plus at most 2 s for the sender to stop (WandbLogger.finish)
            assertTrue(took < Duration.ofSeconds(5).toNanos(), "took " + took / 1e6 + " ms");
            List<LogCapture.Event> loud = logs.atLeast(Level.WARN);
            String last = loud.get(loud.size() - 1).message();
            assertTrue(last.contains("Finish the upload with: ./ncelab wandb-sync " + dir), last);
            assertTrue(last.contains("not created on the server yet"), last);
        }
        fake.down = false;
        Path dir = tmp.resolve("down");
        Fixtures.metadata(dir, "finished"); // as core leaves a finished run
        Map<String, String> syncEnv = Map.of("WANDB_API_KEY", Fixtures.KEY);
        assertEquals(WandbSync.OK, WandbSync.sync(dir, syncEnv, tmp, fast()));
        assertEquals(4, fake.historySize("downrun1"), "the same run id, every line");
        JsonNode v = fake.graphql("UpsertBucket").get(fake.graphql("UpsertBucket").size() - 1).json()
                .get("variables");
        assertEquals("swp123ab", v.get("sweep").asText(), "the sync attaches it to its sweep too");
        assertEquals(0, fake.exitCode());
    }
}
