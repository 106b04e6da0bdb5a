package dev.ncelab.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents one key of a plugin's (or core's) configuration record: its meaning and its default.
 *
 * <p>The default is YAML text ({@code "[128, 128]"}, {@code "1.0e-3"}, {@code "null"}); a key without a
 * default is required. The key's name in YAML is the component's name in snake_case.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Param {
    /** Marker for "no default: the key is required". */
    String REQUIRED = "\u0000required";

    /** One sentence a user reads in {@code ncelab describe}. */
    String doc();

    /** The default, as YAML text. */
    String value() default REQUIRED;

    /** A secret (an API key): never written to a file, a log or an exception. */
    boolean secret() default false;
}
