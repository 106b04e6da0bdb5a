package dev.ncelab.plugins.report;

/** A run or sweep directory whose files cannot make a page; the message names the file (and line) and the fix. */
public final class ReportException extends RuntimeException {
    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
