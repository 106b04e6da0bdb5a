package dev.ncelab.core.objective;

import dev.ncelab.core.model.ParameterSet;

/**
 * A model an objective can train: its name ({@code energy}, {@code noise}; the {@code trained} metric column and
 * the key of its learning rate under {@code training.lr}) and its parameters.
 */
public record Player(String name, ParameterSet parameters) {
    public static final String ENERGY = "energy";
    public static final String NOISE = "noise";
}
