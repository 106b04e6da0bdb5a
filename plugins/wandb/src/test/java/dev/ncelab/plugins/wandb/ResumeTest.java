package dev.ncelab.plugins.wandb;

import static dev.ncelab.plugins.wandb.Fixtures.fast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ncelab.core.run.RunInfo;
import dev.ncelab.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A resumed run continues the same W&B run: same id, offsets and steps go on, replayed steps are skipped. */
@Timeout(30)
class ResumeTest {
    @TempDir
    Path tmp;

    @Test
    void aResumedRunContinuesItsHistory() throws Exception {
        try (FakeWandb fake = new FakeWandb()) {
            Path dir = Fixtures.runDir(tmp, "resumed");
            WandbLogger first = new WandbLogger(Fixtures.settings(fake.url(), tmp), fast());
            first.start(Fixtures.info(dir, null));
            for (int i = 0; i < 5; i++) {
                first.log(i, Fixtures.row(i, 1));
            }
            first.finish(RunStatus.INTERRUPTED, Map.of("status", "interrupted"));
            first.close();
            String runId = Json.read(Files.readString(dir.resolve("wandb/state.json"))).get("run_id").asText();
            assertEquals(130, fake.exitCode());
            double lastRuntime = Json.read(Fixtures.lines(dir.resolve("wandb/history.jsonl")).get(4))
                    .get("_runtime").asDouble();

            WandbLogger second = new WandbLogger(Fixtures.settings(fake.url(), tmp), fast());
            second.start(new RunInfo("toy", dir.getFileName().toString(), dir, Fixtures.experiment(), null, true));
            for (int i = 3; i < 10; i++) { // from the checkpoint at step 2: steps 3 and 4 are replayed
                second.log(i, Fixtures.row(i, 1));
            }
            second.finish(RunStatus.FINISHED, Map.of("status", "finished"));
            second.close();

            List<FakeWandb.Req> upserts = fake.graphql("UpsertBucket");
            assertEquals(2, upserts.size());
            assertEquals(runId, upserts.get(1).json().get("variables").get("name").asText());
            List<String> local = Fixtures.lines(dir.resolve("wandb/history.jsonl"));
            assertEquals(10, local.size());
            for (int i = 0; i < 10; i++) {
                assertEquals(i, Json.read(local.get(i)).get("_step").asInt());
            }
            assertTrue(Json.read(local.get(5)).get("_runtime").asDouble() >= lastRuntime, "the runtime goes on");
            assertEquals(local, fake.history(runId));
            assertEquals(0, fake.duplicates());
            assertEquals(0, fake.exitCode());
            JsonNode state = Json.read(Files.readString(dir.resolve("wandb/state.json")));
            assertEquals(10, state.get("history_accepted").asInt());
            assertTrue(state.get("finish_accepted").asBoolean());
        }
    }
}
