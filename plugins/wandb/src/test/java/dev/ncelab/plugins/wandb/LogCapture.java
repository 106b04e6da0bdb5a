package dev.ncelab.plugins.wandb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Captures every Log4j2 event (all levels, with thrown exceptions) while open. */
final class LogCapture implements AutoCloseable {
    private static final AtomicInteger COUNT = new AtomicInteger();

    record Event(Level level, String logger, String message) {}

    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final AbstractAppender appender;
    private final LoggerContext context;

    LogCapture() {
        context = (LoggerContext) LogManager.getContext(false);
        appender = new AbstractAppender("capture-" + COUNT.incrementAndGet(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent e) {
                StringBuilder sb = new StringBuilder(e.getMessage().getFormattedMessage());
                if (e.getThrown() != null) {
                    java.io.StringWriter w = new java.io.StringWriter();
                    e.getThrown().printStackTrace(new java.io.PrintWriter(w));
                    sb.append('\n').append(w);
                }
                events.add(new Event(e.getLevel(), e.getLoggerName(), sb.toString()));
            }
        };
        appender.start();
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.addAppender(appender, Level.ALL, null);
        context.updateLoggers();
    }

    /** Events of our package at {@code level} or more severe. */
    List<Event> atLeast(Level level) {
        synchronized (events) {
            return events.stream().filter(e -> e.level().isMoreSpecificThan(level))
                    .filter(e -> e.logger().startsWith("dev.ncelab")).toList();
        }
    }

    /** Every captured message, one per line. */
    String all() {
        synchronized (events) {
            StringBuilder sb = new StringBuilder();
            events.forEach(e -> sb.append(e.level()).append(' ').append(e.logger()).append(' ').append(e.message())
                    .append('\n'));
            return sb.toString();
        }
    }

    @Override
    public void close() {
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
