package dev.ncelab.runners;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Sends every log event (DJL's too, through the SLF4J bridge) to the run's {@code run.log}. The run directory is
 * created only once the experiment has been built, so events from building it (plugins' warnings, the engine
 * loading) are held in memory from {@link #RunLogFile()} and written first when {@link #open} names the file.
 */
final class RunLogFile implements AutoCloseable {
    private final LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    private final Configuration config = ctx.getConfiguration();
    private final Held held = new Held();
    private FileAppender file;

    /** Starts holding events until the run's directory exists. */
    RunLogFile() {
        held.start();
        add(held);
    }

    /** Writes the held events to {@code path}, then every later one. */
    synchronized void open(Path path) {
        file = FileAppender.newBuilder().setName("run-" + path.getParent().getFileName())
                .withFileName(path.toString()).withAppend(true).setConfiguration(config)
                .setLayout(PatternLayout.newBuilder().withConfiguration(config)
                        .withPattern("%d{ISO8601} %-5level %c{1} - %msg%n%throwable").build())
                .build();
        file.start();
        remove(held);
        held.events().forEach(file::append);
        add(file);
    }

    @Override
    public synchronized void close() {
        remove(held);
        if (file != null) {
            remove(file);
            file.stop();
        }
    }

    private void add(Appender appender) {
        config.getRootLogger().addAppender(appender, Level.INFO, null);
        ctx.updateLoggers();
    }

    private void remove(Appender appender) {
        config.getRootLogger().removeAppender(appender.getName());
        ctx.updateLoggers();
    }

    /** Keeps immutable copies of the events it is given. */
    private static final class Held extends AbstractAppender {
        private final List<LogEvent> events = new ArrayList<>();

        Held() {
            super("run-pending", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public synchronized void append(LogEvent event) {
            events.add(event.toImmutable());
        }

        synchronized List<LogEvent> events() {
            return List.copyOf(events);
        }
    }
}
