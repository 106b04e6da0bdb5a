package dev.ncelab.plugins.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A W&B server on MockWebServer: answers UpsertBucket and CreateRunFiles, stores file_stream history by offset
 * (counting lines sent twice and gaps), takes media PUTs, and records every request with its arrival time.
 * Scripted responses (per path prefix) and a "down" switch (503 for everything) inject failures.
 */
final class FakeWandb extends Dispatcher implements AutoCloseable {
    static final String ENTITY = "alice";

    /** A request as it arrived. */
    record Req(long nanos, RecordedRequest request, String body) {
        JsonNode json() {
            return Json.read(body);
        }

        String path() {
            return request.getPath();
        }

        String header(String name) {
            return request.getHeader(name);
        }
    }

    private record Scripted(String pathPrefix, MockResponse response) {}

    final MockWebServer server = new MockWebServer();
    private final List<Req> requests = new ArrayList<>();
    private final Deque<Scripted> scripted = new ConcurrentLinkedDeque<>();
    private final Map<String, List<String>> history = new LinkedHashMap<>();
    private final Map<String, byte[]> uploads = new LinkedHashMap<>();
    volatile boolean down;
    volatile boolean reportLineCount = true;
    private int duplicates;
    private int gaps;
    private String summary;
    private Integer exitCode;
    private boolean complete;

    FakeWandb() throws IOException {
        server.setDispatcher(this);
        server.start();
    }

    String url() {
        String u = server.url("/").toString();
        return u.substring(0, u.length() - 1);
    }

    /** The next request whose path starts with {@code prefix} gets {@code response} instead. */
    void script(String prefix, MockResponse response) {
        scripted.add(new Scripted(prefix, response));
    }

    /** Closes every connection after its response, without saying so ({@code Connection: close} is not sent). */
    volatile boolean closeEachConnection;
    /** Milliseconds each file_stream answer is held back (a slow but working server). */
    volatile long streamDelayMillis;
    /** The next this many GraphQL requests get a 503. */
    final java.util.concurrent.atomic.AtomicInteger graphqlFailures = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        MockResponse r = answer(request);
        if (closeEachConnection) {
            r.setSocketPolicy(okhttp3.mockwebserver.SocketPolicy.DISCONNECT_AT_END);
        }
        if (streamDelayMillis > 0 && request.getPath().endsWith("/file_stream")) {
            r.setHeadersDelay(streamDelayMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        return r;
    }

    /** Seeds the server with history lines of a run (a run id used before). */
    synchronized void seedHistory(String run, int lines) {
        List<String> h = history.computeIfAbsent(run, k -> new ArrayList<>());
        for (int i = 0; i < lines; i++) {
            h.add("{\"_step\":" + i + ",\"old\":true}");
        }
    }

    private MockResponse answer(RecordedRequest request) {
        byte[] bytes = request.getBody().readByteArray();
        String body = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        synchronized (this) {
            requests.add(new Req(System.nanoTime(), request, body));
        }
        String path = request.getPath();
        for (Scripted s : scripted) {
            if (path.startsWith(s.pathPrefix()) && scripted.remove(s)) {
                return s.response();
            }
        }
        if (down || (path.equals("/graphql") && graphqlFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0)) {
            return new MockResponse().setResponseCode(503).setBody("down for maintenance");
        }
        if (path.equals("/graphql")) {
            return graphql(Json.read(body));
        }
        if (path.startsWith("/files/") && path.endsWith("/file_stream")) {
            return fileStream(path.split("/")[4], Json.read(body));
        }
        if (path.startsWith("/upload/") && request.getMethod().equals("PUT")) {
            synchronized (this) {
                uploads.put(path.substring("/upload/".length()), bytes);
            }
            return new MockResponse().setResponseCode(200);
        }
        return new MockResponse().setResponseCode(404);
    }

    private synchronized MockResponse graphql(JsonNode body) {
        JsonNode v = body.path("variables");
        switch (body.path("operationName").asText()) {
            case "UpsertBucket" -> {
                String name = v.path("name").asText();
                String project = v.path("project").isNull() ? "uncategorized" : v.path("project").asText();
                String entity = v.path("entity").isNull() ? ENTITY : v.path("entity").asText();
                ObjectNode bucket = Json.object();
                bucket.put("id", "UnVuOnYxOmZha2U=");
                bucket.put("name", name);
                bucket.put("displayName", v.path("displayName").isNull() ? "fluent-sun-3" : v.path("displayName").asText());
                bucket.putNull("description");
                bucket.put("config", v.path("config").asText());
                bucket.putNull("sweepName");
                ObjectNode p = bucket.putObject("project");
                p.put("id", "UHJvamVjdA==");
                p.put("name", project);
                ObjectNode e = p.putObject("entity");
                e.put("id", "RW50aXR5");
                e.put("name", entity);
                if (reportLineCount) {
                    bucket.put("historyLineCount", history.getOrDefault(name, List.of()).size());
                } else {
                    bucket.putNull("historyLineCount");
                }
                ObjectNode out = Json.object();
                ObjectNode ub = out.putObject("data").putObject("upsertBucket");
                ub.set("bucket", bucket);
                ub.put("inserted", true);
                return json(out);
            }
            case "CreateRunFiles" -> {
                ObjectNode out = Json.object();
                ObjectNode r = out.putObject("data").putObject("createRunFiles");
                r.put("runID", "UnVuOnYxOmZha2U=");
                r.putArray("uploadHeaders").add("X-Test-Upload: yes");
                var files = r.putArray("files");
                v.path("files").forEach(f -> {
                    ObjectNode o = files.addObject();
                    o.put("name", f.asText());
                    o.put("uploadUrl", server.url("/upload/" + f.asText()).toString());
                });
                return json(out);
            }
            default -> {
                return new MockResponse().setResponseCode(400);
            }
        }
    }

    private synchronized MockResponse fileStream(String run, JsonNode body) {
        JsonNode h = body.path("files").path("wandb-history.jsonl");
        if (!h.isMissingNode()) {
            List<String> lines = history.computeIfAbsent(run, k -> new ArrayList<>());
            int offset = h.path("offset").asInt();
            int i = 0;
            for (JsonNode line : h.path("content")) {
                int at = offset + i++;
                if (at < lines.size()) {
                    duplicates++;
                    lines.set(at, line.asText());
                } else if (at == lines.size()) {
                    lines.add(line.asText());
                } else {
                    gaps++;
                    while (lines.size() < at) {
                        lines.add(null);
                    }
                    lines.add(line.asText());
                }
            }
        }
        JsonNode s = body.path("files").path("wandb-summary.json");
        if (!s.isMissingNode()) {
            summary = s.path("content").get(0).asText();
        }
        if (body.path("complete").asBoolean(false)) {
            complete = true;
            exitCode = body.path("exitcode").asInt();
        }
        return new MockResponse().setResponseCode(200).setBody("{}");
    }

    private static MockResponse json(JsonNode node) {
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody(Json.write(node));
    }

    synchronized List<Req> requests() {
        return List.copyOf(requests);
    }

    synchronized List<Req> requests(String pathPrefix) {
        return requests.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }

    synchronized List<Req> fileStreams() {
        return requests.stream().filter(r -> r.path().endsWith("/file_stream")).toList();
    }

    synchronized List<Req> graphql(String operation) {
        return requests.stream().filter(r -> r.path().equals("/graphql"))
                .filter(r -> r.json().path("operationName").asText().equals(operation)).toList();
    }

    synchronized List<String> history(String run) {
        return List.copyOf(history.getOrDefault(run, List.of()));
    }

    synchronized int historySize(String run) {
        return history.getOrDefault(run, List.of()).size();
    }

    synchronized int duplicates() {
        return duplicates;
    }

    synchronized int gaps() {
        return gaps;
    }

    synchronized String summary() {
        return summary;
    }

    synchronized Integer exitCode() {
        return exitCode;
    }

    synchronized boolean complete() {
        return complete;
    }

    synchronized Map<String, byte[]> uploads() {
        return Map.copyOf(uploads);
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
