package dev.ncelab.plugins.wandb;

import java.time.Duration;

/**
 * The timing and size constants of the client. The defaults follow the W&B SDK (§3.8 of the protocol notes);
 * tests shrink them so that retries and heartbeats happen in milliseconds.
 *
 * @param transmitInterval least time between two file_stream requests carrying data (the SDK uses 15 s)
 * @param heartbeatInterval an empty {@code {}} request is sent after this long without any request
 * @param finishTimeout how long {@code finish} waits for the upload before giving up
 * @param backoffMin first retry wait; doubles per attempt, plus up to 25 % jitter
 * @param backoffMax the cap of a retry wait (a {@code Retry-After} is honoured up to {@link #retryAfterMax})
 * @param retryAfterMax the longest {@code Retry-After} honoured as given
 * @param graphqlRetries retries of one GraphQL request
 * @param streamRetries retries of one file_stream request (the SDK's ~7 days; the finish timeout ends them)
 * @param connectTimeout TCP connect timeout
 * @param graphqlTimeout whole-call timeout of one GraphQL attempt
 * @param streamTimeout whole-call timeout of one file_stream attempt
 * @param uploadTimeout whole-call timeout of one media upload
 * @param queueCapacity history rows the training thread may queue before rows are dropped (and counted)
 * @param maxLinesPerRequest history lines in one file_stream request
 * @param maxRequestBytes bytes of history lines in one file_stream request (the server takes about 10 MiB)
 * @param writerStartDelay test hook: the writer thread sleeps this long before it starts (to fill the queue)
 */
public record Tuning(Duration transmitInterval, Duration heartbeatInterval, Duration finishTimeout,
        Duration backoffMin, Duration backoffMax, Duration retryAfterMax, int graphqlRetries, int streamRetries,
        Duration connectTimeout, Duration graphqlTimeout, Duration streamTimeout, Duration uploadTimeout,
        int queueCapacity, int maxLinesPerRequest, long maxRequestBytes, Duration writerStartDelay) {

    /** Longest history line the server takes ({@code defaultMaxFileLineBytes}); longer lines are dropped. */
    static final int MAX_LINE_BYTES = (10 << 20) - (100 << 10);

    /** The live logger's defaults. */
    public static Tuning defaults() {
        return new Tuning(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofMinutes(15), 20, 10_085,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(180), Duration.ofSeconds(180),
                10_000, 10_000, 8L << 20, Duration.ZERO);
    }

    /**
     * The defaults of {@code ncelab wandb-sync}: a person waits for it, so a dead server ends it after the
     * GraphQL retry budget (about 20 minutes) rather than the SDK's days.
     */
    public static Tuning forSync() {
        Tuning d = defaults();
        return new Tuning(Duration.ZERO, d.heartbeatInterval, Duration.ofHours(1), d.backoffMin, d.backoffMax,
                d.retryAfterMax, d.graphqlRetries, 20, d.connectTimeout, d.graphqlTimeout, d.streamTimeout,
                d.uploadTimeout, d.queueCapacity, d.maxLinesPerRequest, d.maxRequestBytes, Duration.ZERO);
    }

    public Tuning withTransmit(Duration transmit, Duration finish) {
        return new Tuning(transmit, heartbeatInterval, finish, backoffMin, backoffMax, retryAfterMax, graphqlRetries,
                streamRetries, connectTimeout, graphqlTimeout, streamTimeout, uploadTimeout, queueCapacity,
                maxLinesPerRequest, maxRequestBytes, writerStartDelay);
    }

    public Tuning withHeartbeat(Duration heartbeat) {
        return new Tuning(transmitInterval, heartbeat, finishTimeout, backoffMin, backoffMax, retryAfterMax,
                graphqlRetries, streamRetries, connectTimeout, graphqlTimeout, streamTimeout, uploadTimeout,
                queueCapacity, maxLinesPerRequest, maxRequestBytes, writerStartDelay);
    }

    public Tuning withBackoff(Duration min, Duration max, int graphql, int stream) {
        return new Tuning(transmitInterval, heartbeatInterval, finishTimeout, min, max, retryAfterMax, graphql, stream,
                connectTimeout, graphqlTimeout, streamTimeout, uploadTimeout, queueCapacity, maxLinesPerRequest,
                maxRequestBytes, writerStartDelay);
    }

    public Tuning withTimeouts(Duration connect, Duration call) {
        return new Tuning(transmitInterval, heartbeatInterval, finishTimeout, backoffMin, backoffMax, retryAfterMax,
                graphqlRetries, streamRetries, connect, call, call, call, queueCapacity, maxLinesPerRequest,
                maxRequestBytes, writerStartDelay);
    }

    public Tuning withQueue(int capacity, Duration writerDelay) {
        return new Tuning(transmitInterval, heartbeatInterval, finishTimeout, backoffMin, backoffMax, retryAfterMax,
                graphqlRetries, streamRetries, connectTimeout, graphqlTimeout, streamTimeout, uploadTimeout, capacity,
                maxLinesPerRequest, maxRequestBytes, writerDelay);
    }

    public Tuning withBatch(int lines, long bytes) {
        return new Tuning(transmitInterval, heartbeatInterval, finishTimeout, backoffMin, backoffMax, retryAfterMax,
                graphqlRetries, streamRetries, connectTimeout, graphqlTimeout, streamTimeout, uploadTimeout,
                queueCapacity, lines, bytes, writerStartDelay);
    }
}
