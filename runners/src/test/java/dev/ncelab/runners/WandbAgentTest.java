package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run exactly as {@code wandb agent} starts it: the sweep's {@code command:} with {@code ${args_no_hyphens}}
 * expanded to {@code key=value} in Python's {@code str()} forms, and the agent's environment (WANDB_SWEEP_ID,
 * WANDB_RUN_ID, WANDB_PROJECT, WANDB_ENTITY, WANDB_SWEEP_PARAM_PATH; no WANDB_MODE), against a loopback W&B.
 */
class WandbAgentTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A loopback W&B: answers UpsertBucket and file_stream, keeps every request body. */
    static final class FakeServer implements AutoCloseable {
        final HttpServer http;
        final List<JsonNode> upserts = new ArrayList<>();
        final List<JsonNode> streams = new ArrayList<>();

        FakeServer() throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/", this::handle);
            http.start();
        }

        String url() {
            return "http://127.0.0.1:" + http.getAddress().getPort();
        }

        private void handle(HttpExchange ex) throws IOException {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            String path = ex.getRequestURI().getPath();
            String reply = "{}";
            synchronized (this) {
                if (path.equals("/graphql") && body.path("operationName").asText().equals("UpsertBucket")) {
                    upserts.add(body);
                    JsonNode v = body.path("variables");
                    ObjectNode out = JSON.createObjectNode();
                    ObjectNode b = out.putObject("data").putObject("upsertBucket").putObject("bucket");
                    b.put("id", "UnVuOnYxOmFnZW50");
                    b.put("name", v.path("name").asText());
                    b.put("displayName", "agent-run-1");
                    b.put("historyLineCount", 0);
                    ObjectNode p = b.putObject("project");
                    p.put("name", v.path("project").asText());
                    p.putObject("entity").put("name", v.path("entity").asText());
                    reply = out.toString();
                } else if (path.endsWith("/file_stream")) {
                    streams.add(body);
                }
            }
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        }

        synchronized List<JsonNode> upserts() {
            return List.copyOf(upserts);
        }

        synchronized List<JsonNode> streams() {
            return List.copyOf(streams);
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    @Test
    @Timeout(180)
    void aRunStartedByWandbAgentLogsToItsSweepWithThePythonFormsOfItsValues(@TempDir Path dir) throws Exception {
        Path exp = dir.resolve("e.yaml");
        Files.writeString(exp, """
                name: agent
                seed: 3
                dataset:  {type: 8gaussians, samples: 2000}
                energy:   {type: mlp, hidden: [64, 64]}
                noise:    {type: gaussian, std: 1.0}
                objective: {type: nce, nu: 1}
                schedule: {type: nce}
                training: {epochs: 1, batch: 100, max_seconds: 600}
                logging:  {every: 5, grid: 40}
                """);
        try (FakeServer server = new FakeServer()) {
            // the sweep file's  command: [./ncelab, run, e.yaml, ${args_no_hyphens}]  as the agent expands it:
            // f"{name}={value}" of each parameter, i.e. Python's str() of the value
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                    "dev.ncelab.runners.Main", "run", exp.toString(),
                    "energy.hidden=[32, 32]",
                    "logging.plots=False",
                    "noise={'type': 'gaussian', 'std': 2.0}",
                    "output=" + dir.resolve("results"),
                    "training.lr.energy=1e-05",
                    "training.max_seconds=None",
                    "training.max_steps=12",
                    "--quiet"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("child.log").toFile());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("WANDB_"));
            env.put("WANDB_SWEEP_ID", "swp7x9q2");
            env.put("WANDB_RUN_ID", "r8agent1");
            env.put("WANDB_PROJECT", "nce-sweeps");
            env.put("WANDB_ENTITY", "my-team");
            env.put("WANDB_SWEEP_PARAM_PATH", dir.resolve("wandb/sweep-swp7x9q2/config-r8agent1.yaml").toString());
            env.put("WANDB_API_KEY", "local-" + "k".repeat(40));
            env.put("WANDB_BASE_URL", server.url()); // a self-hosted server, as the user's shell would set it
            Process p = pb.start();
            assertTrue(p.waitFor(150, TimeUnit.SECONDS), "the run did not end");
            String log = Files.readString(dir.resolve("child.log"));
            assertEquals(0, p.exitValue(), log);

            assertEquals(1, server.upserts().size(), log);
            JsonNode v = server.upserts().get(0).get("variables");
            assertEquals("swp7x9q2", v.get("sweep").asText(), "the run attaches to its sweep");
            assertEquals("r8agent1", v.get("name").asText());
            assertEquals("nce-sweeps", v.get("project").asText());
            assertEquals("my-team", v.get("entity").asText());
            JsonNode config = JSON.readTree(v.get("config").asText());
            assertEquals("[32,32]", config.get("energy").get("value").get("hidden").toString());
            assertEquals(1e-05, config.get("training").get("value").get("lr").get("energy").asDouble());
            assertTrue(config.get("training").get("value").get("max_seconds").isNull(), "None is null");
            assertEquals(12, config.get("training").get("value").get("max_steps").asInt());
            assertEquals(false, config.get("logging").get("value").get("plots").asBoolean(true));
            assertEquals(2.0, config.get("noise").get("value").get("std").asDouble(), "a dict replaces the section");

            List<JsonNode> streams = server.streams();
            int lines = 0;
            for (JsonNode s : streams) {
                lines += s.path("files").path("wandb-history.jsonl").path("content").size();
            }
            assertTrue(lines >= 2, "history lines reached the server: " + lines + "\n" + log);
            JsonNode last = streams.get(streams.size() - 1);
            assertTrue(last.path("complete").asBoolean(false), "the run is marked finished");
            assertEquals(0, last.path("exitcode").asInt(-1));
        }
    }
}
