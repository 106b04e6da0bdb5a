package dev.ncelab.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bulk writers produce exactly DataOutputStream's bytes, and the readers give back what was written. */
class DataArraysTest {
    private static final float[] FLOATS = {0f, -0f, 1.5f, -3.25e-38f, Float.MIN_VALUE, Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fc00001)};

    @Test
    void intsAreDataOutputStreamsBytesAndReadBack() throws IOException {
        int[] a = new Random(7).ints(1001).toArray();
        ByteArrayOutputStream bulk = new ByteArrayOutputStream();
        DataArrays.writeInts(new DataOutputStream(bulk), a);
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(one);
        for (int i : a) {
            out.writeInt(i);
        }
        assertArrayEquals(one.toByteArray(), bulk.toByteArray());
        int[] back = new int[a.length];
        DataArrays.readInts(new DataInputStream(new ByteArrayInputStream(bulk.toByteArray())), back);
        assertArrayEquals(a, back);
    }

    @Test
    void floatsAreDataOutputStreamsBytesAndReadBack() throws IOException {
        ByteArrayOutputStream bulk = new ByteArrayOutputStream();
        DataArrays.writeFloats(new DataOutputStream(bulk), FLOATS);
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(one);
        for (float f : FLOATS) {
            out.writeFloat(f); // writeFloat folds every NaN into one pattern; the bulk writer must too
        }
        assertArrayEquals(one.toByteArray(), bulk.toByteArray());
        float[] back = new float[FLOATS.length];
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(one.toByteArray()));
        DataArrays.readFloats(in, back);
        float[] expected = new float[FLOATS.length];
        in = new DataInputStream(new ByteArrayInputStream(one.toByteArray()));
        for (int i = 0; i < expected.length; i++) {
            expected[i] = in.readFloat();
        }
        assertArrayEquals(expected, back);
    }
}
