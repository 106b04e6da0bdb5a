package dev.ncelab.plugins.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ncelab.plugins.wandb.WandbException.Kind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import okhttp3.Call;
import okhttp3.Credentials;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The W&B HTTP API as the SDK speaks it (see the protocol notes): GraphQL at {@code {base}/graphql}
 * (UpsertBucket, CreateRunFiles), the run's {@code file_stream}, and media uploads to presigned URLs. Requests
 * to the base URL carry {@code Authorization: Basic base64("api:" + key)}; uploads carry no W&B credentials.
 *
 * <p>Every call retries what the SDK retries (429, other 4xx outside the "never" list, 5xx, connection errors)
 * with exponential backoff plus jitter ({@code min(max, min * 2^attempt * (1 + 0.25 rand))}) or the server's
 * {@code Retry-After}, and fails at once on 400/401/403/404/409/410/413/422/501 (409 is retried for
 * UpsertBucket). A {@link Stopper} ends waits and cancels the call in flight, so a finish timeout is honoured
 * even against a server that never answers. No message this class produces contains the key.
 */
final class WandbClient implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(WandbClient.class);
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    static final String USER_AGENT = "ncelab-wandb/" + version();

    /** {@code clients.RetryMostFailures}: statuses never retried. */
    static final Set<Integer> NEVER_RETRIED = Set.of(400, 401, 403, 404, 409, 410, 413, 422, 501);
    static final IntPredicate RETRY_MOST = code -> !NEVER_RETRIED.contains(code);
    /** {@code UpsertBucketRetryPolicy}: as above, but 409 is retried. */
    static final IntPredicate RETRY_UPSERT = code -> code == 409 || RETRY_MOST.test(code);
    /** Uploads to storage: 308, 408, 409, 429 and 5xx are retried. */
    static final IntPredicate RETRY_UPLOAD = code -> code == 308 || code == 408 || code == 409 || code == 429
            || code >= 500;

    /** UpsertBucket, exactly as {@code core/api/graphql/mutation_run.graphql}. */
    static final String UPSERT_BUCKET = """
            mutation UpsertBucket(
                        $id: String,
                        $name: String,
                        $project: String,
                        $entity: String,
                        $groupName: String,
                        $description: String,
                        $displayName: String,
                        $notes: String,
                        $commit: String,
                        $config: JSONString,
                        $host: String,
                        $debug: Boolean,
                        $program: String,
                        $repo: String,
                        $jobType: String,
                        $state: String,
                        $sweep: String,
                        $tags: [String!],
                        $summaryMetrics: JSONString,
                    ) {
                        upsertBucket(input: {
                            id: $id,
                            name: $name,
                            groupName: $groupName,
                            modelName: $project,
                            entityName: $entity,
                            description: $description,
                            displayName: $displayName,
                            notes: $notes,
                            config: $config,
                            commit: $commit,
                            host: $host,
                            debug: $debug,
                            jobProgram: $program,
                            jobRepo: $repo,
                            jobType: $jobType,
                            state: $state,
                            sweep: $sweep,
                            tags: $tags,
                            summaryMetrics: $summaryMetrics,
                        }) {
                            bucket {
                                id
                                name
                                displayName
                                description
                                config
                                sweepName
                                project {
                                    id
                                    name
                                    entity {
                                        id
                                        name
                                    }
                                }
                                historyLineCount
                            }
                            inserted
                        }
                    }""";

    /** CreateRunFiles, exactly as {@code core/api/graphql/mutation_create_run_files.graphql}. */
    static final String CREATE_RUN_FILES = """
            mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
                createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
                    runID
                    uploadHeaders
                    files { name uploadUrl }
                }
            }""";

    /** What UpsertBucket returns that the client keeps. */
    record Bucket(String storageId, String name, String displayName, String project, String entity,
            Long historyLineCount) {}

    /** CreateRunFiles' answer: upload URL per file, and headers for every upload. */
    record RunFiles(Map<String, String> urls, List<String> headers) {}

    private final HttpUrl base;
    private final Tuning tuning;
    private final OkHttpClient root;
    private final OkHttpClient graphqlHttp;
    private final OkHttpClient streamHttp;
    private final OkHttpClient uploadHttp;
    private final Map<String, String> graphqlHeaders;
    private final Redactor redactor;
    private final Random random = new Random();
    private volatile long lastSuccessNanos;

    /** Immediate retries on reused connections in a row before a failure counts as one (and is backed off). */
    static final int MAX_STALE_RETRIES = 3;

    WandbClient(String baseUrl, String apiKey, Tuning tuning, Map<String, String> graphqlHeaders) {
        this.base = HttpUrl.get(baseUrl);
        this.tuning = tuning;
        this.graphqlHeaders = graphqlHeaders;
        this.redactor = new Redactor(apiKey);
        String authorization = Credentials.basic("api", apiKey, StandardCharsets.UTF_8);
        this.root = new OkHttpClient.Builder()
                .connectTimeout(tuning.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .writeTimeout(0, TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false)
                .eventListenerFactory(call -> new EventListener() {
                    @Override
                    public void connectStart(Call c, InetSocketAddress address, Proxy proxy) {
                        Attempt a = c.request().tag(Attempt.class);
                        if (a != null) {
                            a.newConnection = true;
                        }
                    }
                })
                .build();
        OkHttpClient api = root.newBuilder().addInterceptor(chain -> {
            Request r = chain.request();
            Request.Builder b = r.newBuilder().header("User-Agent", USER_AGENT);
            if (r.url().scheme().equals(base.scheme()) && r.url().host().equals(base.host())
                    && r.url().port() == base.port()) {
                b.header("Authorization", authorization);
            }
            return chain.proceed(b.build());
        }).build();
        this.graphqlHttp = api.newBuilder().callTimeout(tuning.graphqlTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .build();
        this.streamHttp = api.newBuilder().callTimeout(tuning.streamTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .build();
        this.uploadHttp = root.newBuilder().callTimeout(tuning.uploadTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .addInterceptor(chain -> chain.proceed(chain.request().newBuilder().header("User-Agent", USER_AGENT)
                        .build()))
                .build();
    }

    String baseUrl() {
        return base.toString().replaceAll("/+$", "");
    }

    Redactor redactor() {
        return redactor;
    }

    // ---- GraphQL ----

    Bucket upsertBucket(ObjectNode variables, Stopper stopper) throws WandbException {
        return upsertBucket(variables, stopper, tuning.graphqlRetries());
    }

    /** UpsertBucket with its own retry budget (the live logger's first one retries as long as the stream). */
    Bucket upsertBucket(ObjectNode variables, Stopper stopper, int maxRetries) throws WandbException {
        JsonNode data = graphql("UpsertBucket", UPSERT_BUCKET, variables, RETRY_UPSERT, maxRetries, stopper);
        JsonNode b = data.path("upsertBucket").path("bucket");
        if (b.isMissingNode() || b.isNull()) {
            throw new WandbException(Kind.REJECTED, 0, "W&B did not create the run: UpsertBucket returned no bucket");
        }
        JsonNode project = b.path("project");
        return new Bucket(text(b, "id"), text(b, "name"), text(b, "displayName"), text(project, "name"),
                text(project.path("entity"), "name"),
                b.hasNonNull("historyLineCount") ? b.get("historyLineCount").asLong() : null);
    }

    RunFiles createRunFiles(String entity, String project, String run, List<String> files, Stopper stopper)
            throws WandbException {
        ObjectNode v = Json.object();
        v.put("entity", entity);
        v.put("project", project);
        v.put("run", run);
        files.forEach(v.putArray("files")::add);
        JsonNode r = graphql("CreateRunFiles", CREATE_RUN_FILES, v, RETRY_MOST, stopper).path("createRunFiles");
        if (!r.hasNonNull("runID")) {
            throw new WandbException(Kind.REJECTED, 0, "W&B did not find run " + entity + "/" + project + "/" + run
                    + " to attach files to (CreateRunFiles returned no runID)");
        }
        Map<String, String> urls = new LinkedHashMap<>();
        r.path("files").forEach(f -> urls.put(f.path("name").asText(), f.path("uploadUrl").asText(null)));
        List<String> headers = new ArrayList<>();
        r.path("uploadHeaders").forEach(h -> headers.add(h.asText()));
        return new RunFiles(urls, headers);
    }

    /** Posts one GraphQL operation; returns {@code data}. GraphQL errors are not retried (as in the SDK). */
    JsonNode graphql(String operation, String query, ObjectNode variables, IntPredicate retryable, Stopper stopper)
            throws WandbException {
        return graphql(operation, query, variables, retryable, tuning.graphqlRetries(), stopper);
    }

    private JsonNode graphql(String operation, String query, ObjectNode variables, IntPredicate retryable,
            int maxRetries, Stopper stopper) throws WandbException {
        ObjectNode body = Json.object();
        body.put("query", query);
        body.set("variables", variables);
        body.put("operationName", operation);
        Request.Builder rb = new Request.Builder().url(base.newBuilder().addPathSegment("graphql").build())
                .post(RequestBody.create(bytes(body), JSON_TYPE));
        graphqlHeaders.forEach(rb::header);
        String text = execute(graphqlHttp, rb.build(), retryable, maxRetries, operation, stopper);
        JsonNode reply;
        try {
            reply = Json.read(text);
        } catch (RuntimeException e) {
            throw new WandbException(Kind.REJECTED, 0, "W&B " + operation + ": " + base + "graphql answered with "
                    + "something that is not GraphQL JSON (is the base URL the API address?): "
                    + redactor.shorten(text));
        }
        if (reply.path("errors").isArray() && !reply.path("errors").isEmpty()) {
            List<String> messages = new ArrayList<>();
            reply.path("errors").forEach(e -> messages.add(e.path("message").asText(e.toString())));
            throw new WandbException(Kind.REJECTED, 0, "W&B rejected " + operation + ": "
                    + redactor.shorten(String.join("; ", messages)));
        }
        JsonNode data = reply.path("data");
        if (!data.isObject()) {
            throw new WandbException(Kind.REJECTED, 0, "W&B " + operation + " returned no data: "
                    + redactor.shorten(text));
        }
        return data;
    }

    // ---- file_stream and uploads ----

    HttpUrl fileStreamUrl(String entity, String project, String run) {
        return base.newBuilder().addPathSegment("files").addPathSegment(entity).addPathSegment(project)
                .addPathSegment(run).addPathSegment("file_stream").build();
    }

    /** Posts one file_stream request (retrying the same body until it is accepted); returns the reply. */
    JsonNode fileStream(HttpUrl url, ObjectNode body, Stopper stopper) throws WandbException {
        Request r = new Request.Builder().url(url).post(RequestBody.create(bytes(body), JSON_TYPE)).build();
        String text = execute(streamHttp, r, RETRY_MOST, tuning.streamRetries(), "file_stream", stopper);
        try {
            return text.isBlank() ? Json.object() : Json.read(text);
        } catch (RuntimeException e) {
            return Json.object(); // the reply is advisory: read it leniently
        }
    }

    /** PUTs a file's bytes to a (presigned) upload URL with the given {@code Key:Value} headers; no W&B auth. */
    void upload(String url, List<String> headers, byte[] content, Stopper stopper) throws WandbException {
        HttpUrl target = url.startsWith("/") ? HttpUrl.get(baseUrl() + url) : HttpUrl.get(url);
        Request.Builder rb = new Request.Builder().url(target).put(RequestBody.create(content, null));
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                rb.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
            }
        }
        execute(uploadHttp, rb.build(), RETRY_UPLOAD, tuning.graphqlRetries(), "upload", stopper);
    }

    // ---- retries ----

    private String execute(OkHttpClient http, Request request, IntPredicate retryable, int maxRetries, String what,
            Stopper stopper) throws WandbException {
        int attempt = 0;
        int staleInARow = 0;
        while (true) {
            String problem;
            long waitMillis;
            Attempt tag = new Attempt();
            Call call = http.newCall(request.newBuilder().tag(Attempt.class, tag).build());
            stopper.begin(call);
            try (Response response = call.execute()) {
                String body = response.body() == null ? "" : response.body().string();
                int code = response.code();
                if (response.isSuccessful()) {
                    lastSuccessNanos = System.nanoTime();
                    if (attempt > 0) {
                        LOG.info("W&B: {} went through after {} {}", what, attempt, attempt == 1 ? "retry" : "retries");
                    }
                    return body;
                }
                if (!retryable.test(code)) {
                    throw new WandbException(Kind.REJECTED, code, rejection(code, response.message(), body, request));
                }
                problem = "HTTP " + code + (response.message().isEmpty() ? "" : " " + response.message());
                Long after = retryAfterMillis(response.header("Retry-After"), Instant.now());
                waitMillis = after != null ? Math.min(after, tuning.retryAfterMax().toMillis()) : backoffMillis(attempt);
            } catch (IOException e) {
                if (stopper.stopped()) {
                    throw stopped(what);
                }
                problem = redactor.redact(e.getClass().getSimpleName() + ": " + e.getMessage());
                if (!tag.newConnection && staleInARow < MAX_STALE_RETRIES) {
                    // a pooled connection the server had closed ("unexpected end of stream"): not a server
                    // failure, so retry at once on a new connection instead of backing off
                    staleInARow++;
                    root.connectionPool().evictAll();
                    LOG.debug("W&B: {} on a reused connection failed ({}); retrying at once on a new connection",
                            what, problem);
                    continue;
                }
                waitMillis = backoffMillis(attempt);
            } finally {
                stopper.end();
            }
            staleInARow = 0;
            if (attempt >= maxRetries) {
                throw new WandbException(Kind.GAVE_UP, 0, "W&B " + what + " to " + request.url().host() + " failed "
                        + (maxRetries + 1) + " times, last: " + problem);
            }
            if (attempt == 0) {
                LOG.warn("W&B: {} to {} failed ({}); retrying in {} s", what, request.url().host(), problem,
                        String.format(java.util.Locale.ROOT, "%.1f", waitMillis / 1000.0));
            } else {
                LOG.debug("W&B: {} retry {} failed ({}); next in {} ms", what, attempt, problem, waitMillis);
            }
            if (!stopper.sleep(waitMillis)) {
                throw stopped(what);
            }
            attempt++;
        }
    }

    /** When a request last succeeded (System.nanoTime), or 0: the end of a run waits while this moves. */
    long lastSuccessNanos() {
        return lastSuccessNanos;
    }

    /** Marks whether a call opened a connection of its own (else it reused a pooled one). */
    static final class Attempt {
        volatile boolean newConnection;
    }

    private static WandbException stopped(String what) {
        return new WandbException(Kind.STOPPED, 0, "W&B " + what + " stopped");
    }

    private String rejection(int code, String reason, String body, Request request) {
        String detail = code + (reason == null || reason.isEmpty() ? "" : " " + reason)
                + (body.isBlank() ? "" : " (" + redactor.shorten(body) + ")") + " from " + request.url().host()
                + (request.url().port() != HttpUrl.defaultPort(request.url().scheme()) ? ":" + request.url().port() : "");
        return switch (code) {
            case 401 -> "W&B rejected the API key: " + detail;
            case 403 -> "W&B refused access (check the entity, the project and the key's permissions): " + detail;
            case 404 -> "W&B did not find the entity, project or run: " + detail;
            default -> "W&B rejected the request: " + detail;
        };
    }

    /** The wait before retry {@code attempt} (0-based): {@code min(max, min * 2^attempt * (1 + 0.25 rand))}. */
    long backoffMillis(int attempt) {
        return backoffMillis(attempt, tuning.backoffMin(), tuning.backoffMax(), random.nextDouble());
    }

    static long backoffMillis(int attempt, Duration min, Duration max, double rand) {
        double wait = min.toMillis() * Math.pow(2, Math.min(attempt, 62)) * (1 + 0.25 * rand);
        return (long) Math.min(max.toMillis(), wait);
    }

    /** {@code Retry-After} as seconds (possibly fractional) or an HTTP date; null when absent or unreadable. */
    static Long retryAfterMillis(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            return Double.isFinite(seconds) ? Math.max(0, (long) (seconds * 1000)) : null;
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(now, at.toInstant()).toMillis());
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode n, String key) {
        return n.hasNonNull(key) ? n.get(key).asText() : null;
    }

    private static String version() {
        String v = WandbClient.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    @Override
    public void close() {
        root.dispatcher().executorService().shutdown();
        root.connectionPool().evictAll();
    }

    /** Ends waits and cancels the call in flight when the caller stops waiting. */
    static final class Stopper {
        private boolean stopped;
        private Call current;

        synchronized boolean stopped() {
            return stopped;
        }

        synchronized void stop() {
            stopped = true;
            if (current != null) {
                current.cancel();
            }
            notifyAll();
        }

        synchronized void begin(Call call) throws WandbException {
            if (stopped) {
                throw WandbClient.stopped("request");
            }
            current = call;
        }

        synchronized void end() {
            current = null;
        }

        /** Sleeps; false if stopped meanwhile. */
        synchronized boolean sleep(long millis) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            long left;
            while (!stopped && (left = end - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }
            return !stopped;
        }
    }

    /** Removes the key (and its Basic form) from any text that may reach a log or an exception. */
    static final class Redactor {
        private final List<String> secrets = new ArrayList<>();

        Redactor(String key) {
            if (key != null && !key.isEmpty()) {
                secrets.add(Credentials.basic("api", key, StandardCharsets.UTF_8).substring("Basic ".length()));
                secrets.add(Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)));
                secrets.add(key);
            }
        }

        String redact(String text) {
            if (text == null) {
                return null;
            }
            String out = text;
            for (String s : secrets) {
                out = out.replace(s, "***");
            }
            return out;
        }

        /** One line of at most 200 characters, redacted. */
        String shorten(String text) {
            String t = redact(text == null ? "" : text).replaceAll("\\s+", " ").trim();
            return t.length() > 200 ? t.substring(0, 200) + "..." : t;
        }
    }
}
