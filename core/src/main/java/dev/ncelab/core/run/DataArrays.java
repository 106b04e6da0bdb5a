package dev.ncelab.core.run;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Arrays of numbers in {@link java.io.DataOutputStream}'s format (big-endian, one after the other, no length),
 * written and read with one bulk copy instead of a stream call per number: a checkpoint's data order (500,000
 * ints for the FCE files) took 20-30 ms number by number. The bytes are those of {@code writeInt} and {@code
 * writeFloat}, so files written either way read either way.
 */
public final class DataArrays {
    private DataArrays() {}

    public static void writeInts(DataOutput out, int[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(a.length * Integer.BYTES);
        b.asIntBuffer().put(a);
        out.write(b.array());
    }

    public static void readInts(DataInput in, int[] into) throws IOException {
        byte[] b = new byte[into.length * Integer.BYTES];
        in.readFully(b);
        ByteBuffer.wrap(b).asIntBuffer().get(into);
    }

    public static void writeFloats(DataOutput out, float[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(a.length * Float.BYTES);
        for (float f : a) {
            b.putInt(Float.floatToIntBits(f)); // as writeFloat: one NaN pattern
        }
        out.write(b.array());
    }

    public static void readFloats(DataInput in, float[] into) throws IOException {
        byte[] b = new byte[into.length * Float.BYTES];
        in.readFully(b);
        ByteBuffer.wrap(b).asFloatBuffer().get(into);
    }
}
