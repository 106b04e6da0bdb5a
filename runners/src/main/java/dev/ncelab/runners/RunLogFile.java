package dev.ncelab.runners;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Sends every log event (DJL's too, through the SLF4J bridge) to the run's {@code run.log} while it trains. */
final class RunLogFile implements AutoCloseable {
    private final FileAppender appender;

    RunLogFile(Path file) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        appender = FileAppender.newBuilder().setName("run-" + file.getParent().getFileName())
                .withFileName(file.toString()).withAppend(true).setConfiguration(config)
                .setLayout(PatternLayout.newBuilder().withConfiguration(config)
                        .withPattern("%d{ISO8601} %-5level %c{1} - %msg%n%throwable").build())
                .build();
        appender.start();
        config.getRootLogger().addAppender(appender, Level.INFO, null);
        ctx.updateLoggers();
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender(appender.getName());
        ctx.updateLoggers();
        appender.stop();
    }
}
