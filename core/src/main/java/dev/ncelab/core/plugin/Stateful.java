package dev.ncelab.core.plugin;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A component with state that must survive a resume beyond its parameters (a schedule's counters, a sampler's
 * persistent chains). Checkpoints save every stateful component of an experiment, by its section, and restore it.
 */
public interface Stateful {
    void save(DataOutputStream out) throws IOException;

    void load(DataInputStream in) throws IOException;
}
