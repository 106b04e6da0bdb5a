package dev.ncelab.core.objective;

import ai.djl.ndarray.NDArray;

/** The objective's value (a scalar the EBM maximises) and the classifier's accuracy (a scalar), as arrays. */
public record Terms(NDArray value, NDArray accuracy) {}
