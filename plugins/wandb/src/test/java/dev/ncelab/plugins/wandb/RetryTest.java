package dev.ncelab.plugins.wandb;

import static dev.ncelab.plugins.wandb.Fixtures.fast;
import static dev.ncelab.plugins.wandb.Fixtures.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ncelab.core.run.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Retries on 500 and 429 (with Retry-After), none on 401/403/404, and the backoff arithmetic. */
@Timeout(30)
class RetryTest {
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

    private Path run(String name, int steps) throws Exception {
        Path dir = Fixtures.runDir(tmp, name);
        WandbLogger logger = new WandbLogger(Fixtures.settings(fake.url(), tmp), fast());
        logger.start(Fixtures.info(dir, null));
        for (int i = 0; i < steps; i++) {
            logger.log(i, Fixtures.row(i, 1));
        }
        logger.finish(RunStatus.FINISHED, Map.of("status", "finished"));
        logger.close();
        return dir;
    }

    private static String runId(Path dir) throws IOException {
        return Json.read(Files.readString(dir.resolve("wandb/state.json"))).get("run_id").asText();
    }

    @Test
    void a500IsRetriedWithTheSameChunkUntilAccepted() throws Exception {
        fake.script("/files/", new MockResponse().setResponseCode(500).setBody("oops"));
        fake.script("/files/", new MockResponse().setResponseCode(502));
        Path dir = run("r500", 6);
        List<FakeWandb.Req> streams = fake.fileStreams();
        assertTrue(streams.size() >= 3, "two failures, then the accepted request");
        assertEquals(streams.get(0).body(), streams.get(1).body(), "a retry resends the same request");
        assertEquals(streams.get(0).body(), streams.get(2).body());
        assertEquals(0, streams.get(0).json().path("files").path("wandb-history.jsonl").path("offset").asInt());
        assertEquals(6, fake.historySize(runId(dir)));
        assertEquals(0, fake.duplicates());
        assertEquals(0, fake.gaps());
        assertTrue(fake.complete());
        JsonNode state = Json.read(Files.readString(dir.resolve("wandb/state.json")));
        assertEquals(6, state.get("history_accepted").asInt());
        assertTrue(state.get("finish_accepted").asBoolean());
    }

    @Test
    void a429IsRetriedAfterTheServersRetryAfter() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            fake.script("/graphql", new MockResponse().setResponseCode(429).setHeader("Retry-After", "1")
                    .setBody("slow down"));
            Path dir = run("r429", 3);
            List<FakeWandb.Req> upserts = fake.requests("/graphql");
            assertEquals(2, upserts.size());
            long waited = upserts.get(1).nanos() - upserts.get(0).nanos();
            assertTrue(waited >= ms(950).toNanos(), "Retry-After: 1 honoured, waited " + waited / 1e6 + " ms");
            assertTrue(waited < Duration.ofSeconds(4).toNanos());
            assertEquals(upserts.get(0).body(), upserts.get(1).body());
            assertEquals(3, fake.historySize(runId(dir)));
            assertTrue(fake.complete());
            assertTrue(logs.all().contains("HTTP 429"), logs.all());
        }
    }

    @Test
    void aRetryAfterOnTheFileStreamIsHonouredToo() throws Exception {
        fake.script("/files/", new MockResponse().setResponseCode(429).setHeader("Retry-After", "0.5"));
        run("r429fs", 2);
        List<FakeWandb.Req> streams = fake.fileStreams();
        long waited = streams.get(1).nanos() - streams.get(0).nanos();
        assertTrue(waited >= ms(450).toNanos(), "waited " + waited / 1e6 + " ms");
        assertEquals(streams.get(0).body(), streams.get(1).body());
    }

    @Test
    void a401IsNotRetriedAndSaysSoExactlyOnce() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            fake.script("/graphql", new MockResponse().setResponseCode(401)
                    .setBody("{\"errors\":[{\"message\":\"user is not logged in\"}]}"));
            long t0 = System.nanoTime();
            Path dir = run("r401", 5);
            long took = System.nanoTime() - t0;
            assertTrue(took < Duration.ofSeconds(2).toNanos(), "finish waited " + took / 1e6 + " ms");
            assertEquals(1, fake.requests().size(), "no retry after a 401");
            List<LogCapture.Event> loud = logs.atLeast(Level.WARN);
            assertEquals(1, loud.size(), logs.all());
            String line = loud.get(0).message();
            assertEquals(Level.ERROR, loud.get(0).level());
            assertTrue(line.startsWith("W&B rejected the API key: 401"), line);
            assertTrue(line.contains("wandb-sync"), line);
            assertEquals(5, Fixtures.lines(dir.resolve("wandb/history.jsonl")).size(), "local files stay complete");
            assertTrue(Files.exists(dir.resolve("wandb/summary.json")));
            JsonNode state = Json.read(Files.readString(dir.resolve("wandb/state.json")));
            assertEquals(0, state.get("history_accepted").asInt());
            assertFalse(state.get("finish_accepted").asBoolean());
            Thread.sleep(200);
            assertEquals(1, fake.requests().size(), "quiet afterwards");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 409, 410, 413, 422})
    void theFileStreamIsNotRetriedOnAFinalStatus(int status) throws Exception {
        try (LogCapture logs = new LogCapture()) {
            fake.script("/files/", new MockResponse().setResponseCode(status));
            run("final" + status, 3);
            assertEquals(1, fake.fileStreams().size(), "status " + status + " must not be retried");
            assertEquals(1, logs.atLeast(Level.WARN).size(), logs.all());
            assertTrue(logs.atLeast(Level.WARN).get(0).message().contains(String.valueOf(status)));
        }
    }

    @Test
    void upsertBucketRetriesA409() throws Exception {
        fake.script("/graphql", new MockResponse().setResponseCode(409));
        Path dir = run("r409", 2);
        assertEquals(2, fake.requests("/graphql").size());
        assertEquals(2, fake.historySize(runId(dir)));
    }

    @Test
    void aGraphqlErrorIsNotRetried() throws Exception {
        fake.script("/graphql", new MockResponse().setResponseCode(200)
                .setBody("{\"errors\":[{\"message\":\"entity nobody not found\"}],\"data\":null}"));
        try (LogCapture logs = new LogCapture()) {
            run("gqlerr", 2);
            assertEquals(1, fake.requests().size());
            assertTrue(logs.atLeast(Level.WARN).get(0).message().contains("entity nobody not found"));
        }
    }

    @Test
    void backoffDoublesFromTheMinimumWithAtMostAQuarterJitterUpToTheMaximum() {
        Duration min = Duration.ofSeconds(2);
        Duration max = Duration.ofSeconds(60);
        assertEquals(2000, WandbClient.backoffMillis(0, min, max, 0));
        assertEquals(2500, WandbClient.backoffMillis(0, min, max, 1));
        assertEquals(4000, WandbClient.backoffMillis(1, min, max, 0));
        assertEquals(16000, WandbClient.backoffMillis(3, min, max, 0));
        assertEquals(60000, WandbClient.backoffMillis(5, min, max, 0));
        assertEquals(60000, WandbClient.backoffMillis(500, min, max, 0.7));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        assertEquals(3000L, WandbClient.retryAfterMillis("3", now));
        assertEquals(1500L, WandbClient.retryAfterMillis(" 1.5 ", now));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(7).atZone(ZoneOffset.UTC));
        assertEquals(7000L, WandbClient.retryAfterMillis(date, now));
        assertNull(WandbClient.retryAfterMillis("soon", now));
        assertNull(WandbClient.retryAfterMillis(null, now));
    }
}
