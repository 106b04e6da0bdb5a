package dev.ncelab.plugins.flows;

import ai.djl.ndarray.NDArray;

/**
 * The result of pushing a batch through a flow in one direction: the points, shape (B, D), and the log of the
 * absolute Jacobian determinant of that direction's map at each point, shape (B).
 */
record Transformed(NDArray y, NDArray logDet) {}
