package io.rebound.repair.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The workstation's working directory: {@code in/} and {@code out/} hold a file per replica of QueIn and
 * QueOut ({@code NNNNNNNNNNNNNNNNNNNN.replica}, the number in its queue), {@code repair-started} is the
 * "repair started" mark. Files are written whole (a temporary file, then a move), so a crash leaves a
 * replica whole or absent.
 */
public final class WorkingDirectory {

  public static final String IN = "in";
  public static final String OUT = "out";
  public static final String REPAIR_MARK = "repair-started";

  private final Path root;

  public WorkingDirectory(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** Whether both queue folders exist: a lost working directory has neither. */
  public boolean present() {
    return Files.isDirectory(root.resolve(IN)) && Files.isDirectory(root.resolve(OUT));
  }

  public TreeMap<Long, Path> replicas(String queue) {
    TreeMap<Long, Path> numbered = new TreeMap<>();
    Path folder = root.resolve(queue);
    if (!Files.isDirectory(folder)) {
      return numbered;
    }
    try (Stream<Path> files = Files.list(folder)) {
      files.forEach(file -> {
        String name = file.getFileName().toString();
        if (name.matches("\\d{20}\\.replica")) {
          numbered.put(Long.parseLong(name.substring(0, 20)), file);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + folder + " failed", e);
    }
    return numbered;
  }

  public long last(String queue) {
    TreeMap<Long, Path> replicas = replicas(queue);
    return replicas.isEmpty() ? 0 : replicas.lastKey();
  }

  public boolean has(String queue, long number) {
    return Files.exists(root.resolve(queue).resolve(Mailbox.replicaName(number)));
  }

  public void write(String queue, long number, byte[] bytes) {
    writeWhole(root.resolve(queue).resolve(Mailbox.replicaName(number)), bytes);
  }

  public Optional<String> repairMark() {
    Path mark = root.resolve(REPAIR_MARK);
    try {
      return Files.exists(mark) ? Optional.of(Files.readString(mark, StandardCharsets.UTF_8)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + mark + " failed", e);
    }
  }

  public void setRepairMark(String content) {
    writeWhole(root.resolve(REPAIR_MARK), content.getBytes(StandardCharsets.UTF_8));
  }

  public void removeRepairMark() {
    try {
      Files.deleteIfExists(root.resolve(REPAIR_MARK));
    } catch (IOException e) {
      throw new UncheckedIOException("removing the repair mark in " + root + " failed", e);
    }
  }

  private static void writeWhole(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(temporary, bytes);
      try {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    }
  }
}
