package dev.ncelab.core.math;

import ai.djl.ndarray.NDArray;

/**
 * Multiplying or dividing an array by a Java number, safely inside a graph that will be differentiated.
 *
 * <p>DJL's {@code NDArray.mul(Number)} and {@code div(Number)} wrap the number in a tensor over a direct buffer
 * and close that tensor as soon as the operation returns; but the engine's autograd keeps the scalar for the
 * backward pass, and once its Java owner is unreachable the garbage collector may free the buffer first. The
 * backward pass then reads freed memory: now and then a NaN gradient, and runs with one seed that differ
 * between processes (measured: one FCE run in three diverged from the others at a NaN gradient; with no garbage
 * collection, all three were bit-identical). These helpers create the scalar in the operand's manager and leave
 * it there, so it lives until that manager (in training, the step's) closes. Use them for every array
 * computation that may be differentiated; addition and subtraction keep no operand and are safe as they are.
 */
public final class Scalars {
    private Scalars() {}

    public static NDArray mul(NDArray a, float s) {
        return a.mul(a.getManager().create(s));
    }

    public static NDArray div(NDArray a, float s) {
        return a.div(a.getManager().create(s));
    }
}
