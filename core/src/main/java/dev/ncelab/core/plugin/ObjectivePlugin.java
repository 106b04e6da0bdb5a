package dev.ncelab.core.plugin;

/** A plugin of kind {@link PluginKind#OBJECTIVE}: makes a {@link dev.ncelab.core.objective.Objective}. */
public interface ObjectivePlugin<C extends Record> extends Plugin<C, dev.ncelab.core.objective.Objective> {}
