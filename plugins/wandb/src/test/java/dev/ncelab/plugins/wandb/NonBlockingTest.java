package dev.ncelab.plugins.wandb;

import static dev.ncelab.plugins.wandb.Fixtures.fast;
import static dev.ncelab.plugins.wandb.Fixtures.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ncelab.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.mockwebserver.SocketPolicy;
import okhttp3.mockwebserver.MockResponse;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Training never waits for W&B: a stalled server, a full queue, a bounded finish. */
@Timeout(30)
class NonBlockingTest {
    @TempDir
    Path tmp;

    @Test
    void aServerThatNeverAnswersDoesNotSlowLoggingAndFinishGivesUpInTime() throws Exception {
        try (FakeWandb fake = new FakeWandb()) {
            fake.script("/graphql", new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
            Path dir = Fixtures.runDir(tmp, "stalled");
            WandbLogger logger = new WandbLogger(Fixtures.settings(fake.url(), tmp), fast()
                    .withTransmit(ms(50), ms(1000)).withTimeouts(ms(1000), ms(30_000)));
            logger.start(Fixtures.info(dir, null));
            int n = 20_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                logger.log(i, Fixtures.row(i, 1));
            }
            long logging = System.nanoTime() - t0;
            assertTrue(logging < Duration.ofSeconds(2).toNanos(), n + " log calls took " + logging / 1e6 + " ms");
            long t1 = System.nanoTime();
            logger.finish(RunStatus.FINISHED, Map.of());
            logger.close();
            long finish = System.nanoTime() - t1;
            assertTrue(finish < Duration.ofSeconds(4).toNanos(), "finish took " + finish / 1e6 + " ms");
            JsonNode state = Json.read(Files.readString(dir.resolve("wandb/state.json")));
            long lines = Fixtures.lines(dir.resolve("wandb/history.jsonl")).size();
            assertEquals(n, lines + state.get("dropped_lines").asLong(), "every row is written or counted");
            assertEquals(lines, state.get("history_lines").asLong());
            assertEquals(0, state.get("history_accepted").asLong());
        }
    }

    @Test
    void aFullQueueDropsAndCountsRowsWithoutBlocking() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            Path dir = Fixtures.runDir(tmp, "full");
            WandbSettings offline = WandbSettings.resolve(Fixtures.config("p", null),
                    Map.of("WANDB_MODE", "offline"), tmp);
            WandbLogger logger = new WandbLogger(offline, fast().withQueue(10, ms(500)));
            logger.start(Fixtures.info(dir, null));
            long t0 = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                logger.log(i, Fixtures.row(i, 1));
            }
            long took = System.nanoTime() - t0;
            assertTrue(took < ms(300).toNanos(), "log blocked for " + took / 1e6 + " ms");
            assertEquals(89, logger.dropped(), "99 rows queued while the writer sleeps: 10 fit");
            logger.finish(RunStatus.FINISHED, Map.of());
            logger.close();
            assertEquals(11, Fixtures.lines(dir.resolve("wandb/history.jsonl")).size());
            JsonNode state = Json.read(Files.readString(dir.resolve("wandb/state.json")));
            assertEquals(89, state.get("dropped_lines").asInt());
            assertEquals(1, logs.atLeast(Level.WARN).size(), logs.all());
            assertTrue(logs.atLeast(Level.WARN).get(0).message().contains("queue is full"));
        }
    }
}
