package dev.ncelab.core.train;

import dev.ncelab.core.model.Adam;
import dev.ncelab.core.model.ParameterSet;
import dev.ncelab.core.run.AtomicFiles;
import dev.ncelab.core.schedule.Move;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;

/**
 * Everything needed to continue a run exactly: both models' parameters and optimiser states, the schedule's
 * next move, the position in the epoch's shuffled order, the counters, and the random streams. Written to a
 * temporary file and renamed; the previous checkpoint is kept as {@code .prev} until the new one is complete.
 */
final class Checkpoint {
    private static final int MAGIC = 0x4E43454C; // "NCEL"
    private static final int VERSION = 1;

    private Checkpoint() {}

    static void save(Path file, LoopState s, ParameterSet energy, Adam energyOpt, ParameterSet noise, Adam noiseOpt) {
        try {
            if (Files.exists(file)) {
                Files.copy(file, file.resolveSibling(file.getFileName() + ".prev"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the previous checkpoint", e);
        }
        AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(s.step);
            out.writeInt(s.epoch);
            out.writeInt(s.position);
            out.writeUTF(s.next.name());
            out.writeLong(s.energySteps);
            out.writeLong(s.noiseSteps);
            out.writeLong(s.nonfinite);
            out.writeInt(s.consecutiveNonfinite);
            out.writeDouble(s.seconds);
            out.writeInt(s.order.length);
            for (int i : s.order) {
                out.writeInt(i);
            }
            writeRandom(out, s.shuffle);
            writeRandom(out, s.noise);
            energy.write(out);
            energyOpt.write(out);
            out.writeBoolean(noiseOpt != null);
            if (noiseOpt != null) {
                noise.write(out);
                noiseOpt.write(out);
            }
            out.flush();
        });
    }

    static void load(Path file, LoopState s, ParameterSet energy, Adam energyOpt, ParameterSet noise, Adam noiseOpt) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException("not an ncelab checkpoint of this version");
            }
            s.step = in.readLong();
            s.epoch = in.readInt();
            s.position = in.readInt();
            s.next = Move.valueOf(in.readUTF());
            s.energySteps = in.readLong();
            s.noiseSteps = in.readLong();
            s.nonfinite = in.readLong();
            s.consecutiveNonfinite = in.readInt();
            s.seconds = in.readDouble();
            s.order = new int[in.readInt()];
            for (int i = 0; i < s.order.length; i++) {
                s.order[i] = in.readInt();
            }
            s.shuffle = readRandom(in);
            s.noise = readRandom(in);
            energy.read(in);
            energyOpt.read(in);
            if (in.readBoolean()) {
                if (noiseOpt == null) {
                    throw new IOException("the checkpoint has a trained noise model but this run's is fixed");
                }
                noise.read(in);
                noiseOpt.read(in);
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new UncheckedIOException(new IOException("cannot resume from " + file + ": " + e.getMessage(), e));
        }
    }

    /** Restores only the models' parameters (for using a trained run); optimiser states are read and dropped. */
    static void loadModels(Path file, Experiment exp) {
        var t = exp.config().training();
        var energy = exp.energy().parameters();
        var noise = exp.noise().parameters();
        Adam energyOpt = new Adam(energy, t.lr().energy(), t.betas().get(0), t.betas().get(1));
        Adam noiseOpt = noise.isEmpty() ? null : new Adam(noise, t.lr().noise(), t.betas().get(0), t.betas().get(1));
        load(file, new LoopState(), energy, energyOpt, noise, noiseOpt);
    }

    private static void writeRandom(DataOutputStream out, Random r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(r);
        }
        out.writeInt(bytes.size());
        out.write(bytes.toByteArray());
    }

    private static Random readRandom(DataInputStream in) throws IOException, ClassNotFoundException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        try (ObjectInputStream o = new ObjectInputStream(new ByteArrayInputStream(b)) {
            @Override
            protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                if (!desc.getName().equals(Random.class.getName())) {
                    throw new java.io.InvalidClassException(desc.getName(), "only java.util.Random is expected");
                }
                return super.resolveClass(desc);
            }
        }) {
            return (Random) o.readObject();
        }
    }

    /** The loop's own state, saved and restored as a whole. */
    static final class LoopState {
        long step;
        int epoch;
        int position;
        Move next;
        long energySteps;
        long noiseSteps;
        long nonfinite;
        int consecutiveNonfinite;
        double seconds;
        int[] order;
        Random shuffle;
        Random noise;
    }
}
