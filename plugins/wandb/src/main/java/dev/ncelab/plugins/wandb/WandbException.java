package dev.ncelab.plugins.wandb;

/**
 * Why a W&B request did not succeed. {@link Kind#REJECTED}: the server said no in a way that retrying cannot
 * fix (401, 403, 404, a GraphQL error...); {@link Kind#GAVE_UP}: the retries ran out; {@link Kind#STOPPED}: the
 * caller stopped waiting (the finish timeout). Messages are redacted: they never hold the API key.
 */
final class WandbException extends Exception {
    enum Kind { REJECTED, GAVE_UP, STOPPED }

    private final Kind kind;
    private final int status;

    WandbException(Kind kind, int status, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
    }

    Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 (a GraphQL error, a connection error, a stop). */
    int status() {
        return status;
    }
}
