package dev.ncelab.core.model;

import ai.djl.ndarray.NDArray;

/** Points drawn from a noise model, shape (n, D), with their log-density under it, shape (n). */
public record NoiseSample(NDArray x, NDArray logQ) {}
