package dev.ncelab.core.plugin;

/** A plugin of kind {@link PluginKind#DATASET}: makes a {@link dev.ncelab.core.data.Dataset}. */
public interface DatasetPlugin<C extends Record> extends Plugin<C, dev.ncelab.core.data.Dataset> {}
