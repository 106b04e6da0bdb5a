package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two tiny points trained by the real worker ({@code dev.ncelab.runners.Main run}) in two JVMs. */
class RealWorkerTest {
    @Test
    void twoSeedsTrainIntoTheSweepDirectory(@TempDir Path dir) throws Exception {
        Path sweep = SweepCli.files(dir, """
                name: tiny
                experiment: e.yaml
                method: grid
                metric: {name: mse_logp, goal: minimize}
                parameters:
                  seed: {values: [1, 2]}
                overrides: [training.epochs=5, training.max_steps=10]
                """);
        Path out = dir.resolve("out");
        SweepCli.Result r = SweepCli.run(sweep.toString(), "--output", out.toString(), "--workers", "2",
                "--progress", "false");
        assertEquals(0, r.code(), r.all() + logs(out));
        List<String> jobs = Files.readAllLines(out.resolve("jobs.csv"));
        assertEquals(3, jobs.size());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 2; i++) {
            Path run = out.resolve("runs/" + i);
            JsonNode meta = json.readTree(run.resolve("metadata.json").toFile());
            assertEquals("finished", meta.get("status").asText());
            assertEquals("tiny", meta.get("group").asText(), "--group names the sweep");
            assertEquals(i + 1, meta.get("seed").asInt());
            JsonNode summary = json.readTree(run.resolve("summary.json").toFile());
            assertEquals(10, summary.get("steps").asInt());
            assertTrue(Double.isFinite(summary.get("mse_logp").asDouble()));
            String row = i + ",finished," + (i + 1) + "," + summary.get("mse_logp").asDouble();
            assertTrue(jobs.get(i + 1).startsWith(row), jobs.get(i + 1));
        }
        assertTrue(Files.exists(out.resolve("report.html")));
    }

    static String logs(Path out) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            try {
                sb.append("\n--- runs/").append(i).append(".log\n").append(Files.readString(out.resolve("runs/" + i
                        + ".log")));
            } catch (java.io.IOException e) {
                sb.append("\n(no log ").append(i).append(")");
            }
        }
        return sb.toString();
    }
}
