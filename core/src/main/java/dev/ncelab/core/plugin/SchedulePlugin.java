package dev.ncelab.core.plugin;

/** A plugin of kind {@link PluginKind#SCHEDULE}: makes a {@link dev.ncelab.core.schedule.Schedule}. */
public interface SchedulePlugin<C extends Record> extends Plugin<C, dev.ncelab.core.schedule.Schedule> {}
