package dev.ncelab.core.plugin;

/** A plugin of kind {@link PluginKind#LOGGER}: makes a {@link dev.ncelab.core.run.RunLogger}. */
public interface LoggerPlugin<C extends Record> extends Plugin<C, dev.ncelab.core.run.RunLogger> {}
