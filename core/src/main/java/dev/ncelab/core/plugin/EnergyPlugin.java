package dev.ncelab.core.plugin;

/** A plugin of kind {@link PluginKind#ENERGY}: makes a {@link dev.ncelab.core.model.EnergyModel}. */
public interface EnergyPlugin<C extends Record> extends Plugin<C, dev.ncelab.core.model.EnergyModel> {}
