package dev.ncelab.core.train;

import dev.ncelab.core.model.Adam;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.plugin.Stateful;
import dev.ncelab.core.run.AtomicFiles;
import dev.ncelab.core.run.DataArrays;
import java.io.BufferedInputStream;
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
import java.util.Map;
import java.util.Random;

/**
 * Everything needed to continue a run exactly, in this order: the driver's state (position in the epoch's shuffled order, next
 * learner, counters, random streams), every player's parameters and optimiser state, and the state of every
 * {@link Stateful} component (schedule, sampler). Written to a temporary file and renamed; the previous checkpoint
 * is kept as {@code .prev} until the new one is complete.
 */
final class Checkpoint {
    private static final int MAGIC = 0x4E43454C; // "NCEL"
    static final int VERSION = 2;

    private Checkpoint() {}

    static void save(Path file, Training t) {
        TrainingState s = t.state();
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
            out.writeUTF(s.next);
            out.writeInt(s.playerSteps.size());
            for (Map.Entry<String, Long> e : s.playerSteps.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeLong(s.nonfinite);
            out.writeInt(s.consecutiveNonfinite);
            out.writeDouble(s.seconds);
            out.writeInt(s.order.length);
            DataArrays.writeInts(out, s.order);
            writeRandom(out, s.shuffle);
            writeRandom(out, s.objective);
            writePlayers(out, t);
            for (Map.Entry<String, Stateful> e : stateful(t).entrySet()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                e.getValue().save(new DataOutputStream(bytes));
                out.writeUTF(e.getKey());
                out.writeInt(bytes.size());
                out.write(bytes.toByteArray());
            }
            out.writeUTF("");
            out.flush();
        });
    }

    static void load(Path file, Training t) {
        TrainingState s = t.state();
        try (DataInputStream in = open(file)) {
            s.step = in.readLong();
            s.epoch = in.readInt();
            s.position = in.readInt();
            s.next = in.readUTF();
            s.playerSteps.clear();
            for (int i = in.readInt(); i > 0; i--) {
                s.playerSteps.put(in.readUTF(), in.readLong());
            }
            s.nonfinite = in.readLong();
            s.consecutiveNonfinite = in.readInt();
            s.seconds = in.readDouble();
            s.order = new int[in.readInt()];
            DataArrays.readInts(in, s.order);
            s.shuffle = readRandom(in);
            s.objective = readRandom(in);
            readPlayers(in, t);
            Map<String, Stateful> stateful = stateful(t);
            for (String key = in.readUTF(); !key.isEmpty(); key = in.readUTF()) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                Stateful st = stateful.get(key);
                if (st == null) {
                    throw new IOException("the checkpoint holds the state of a '" + key + "' that this run lacks");
                }
                st.load(new DataInputStream(new ByteArrayInputStream(b)));
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new UncheckedIOException(new IOException("cannot resume from " + file + ": " + e.getMessage(), e));
        }
    }

    /** The components (by section) and listeners (by class) whose state a checkpoint carries. */
    private static Map<String, Stateful> stateful(Training t) {
        Map<String, Stateful> out = new java.util.LinkedHashMap<>();
        t.experiment().components().forEach((kind, c) -> {
            if (c instanceof Stateful st) {
                out.put(kind.key(), st);
            }
        });
        for (TrainingListener l : t.listeners()) {
            if (l instanceof Stateful st) {
                out.put("listener:" + l.getClass().getSimpleName(), st);
            }
        }
        return out;
    }

    private static DataInputStream open(Path file) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)));
        if (in.readInt() != MAGIC) {
            in.close();
            throw new IOException("not an ncelab checkpoint");
        }
        int version = in.readInt();
        if (version != VERSION) {
            in.close();
            throw new IOException("the checkpoint has format " + version + " (an older ncelab wrote it); this ncelab "
                    + "reads format " + VERSION + ": train the experiment again from its config.yaml");
        }
        return in;
    }

    private static void writePlayers(DataOutputStream out, Training t) throws IOException {
        out.writeInt(t.players().size());
        for (Player p : t.players()) {
            out.writeUTF(p.name());
            p.parameters().write(out);
            t.optimizers().get(p.name()).write(out);
        }
    }

    private static void readPlayers(DataInputStream in, Training t) throws IOException {
        int n = in.readInt();
        if (n != t.players().size()) {
            throw new IOException("the checkpoint has " + n + " trained models, this run's objective has "
                    + t.players().size() + " (" + t.players().stream().map(Player::name).toList() + ")");
        }
        for (Player p : t.players()) {
            String name = in.readUTF();
            if (!name.equals(p.name())) {
                throw new IOException("the checkpoint's model '" + name + "' is not this run's '" + p.name() + "'");
            }
            p.parameters().read(in);
            t.optimizers().get(p.name()).read(in);
        }
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
}
