package dev.ncelab.core.plugin;

/** A plugin of kind {@link PluginKind#NOISE}: makes a {@link dev.ncelab.core.model.NoiseModel}. */
public interface NoisePlugin<C extends Record> extends Plugin<C, dev.ncelab.core.model.NoiseModel> {}
