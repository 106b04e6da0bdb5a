package dev.ncelab.core.plugin;

/**
 * A named, configurable factory: a plugin of one {@link PluginKind}. Its configuration is a record whose
 * components are documented with {@link dev.ncelab.core.config.Param}; the binder fills it from YAML.
 *
 * @param <C> the configuration record
 * @param <T> what it makes
 */
public interface Plugin<C extends Record, T> {
    Class<C> configType();

    /** One line for {@code ncelab plugins} and {@code describe}. */
    String doc();

    T create(C config, PluginContext context);

    /** Creates from a configuration bound to this plugin's record type. */
    default T createUnchecked(Record config, PluginContext context) {
        return create(configType().cast(config), context);
    }
}
