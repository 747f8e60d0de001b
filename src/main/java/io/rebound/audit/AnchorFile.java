package io.rebound.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The anchor as a file, by default in the work directory that the nodes of a cluster share. Written to a
 * temporary file beside it, forced to disk, then moved over it: a reader sees the old anchor or the new,
 * never a part of one, even when the machine stops in between.
 */
final class AnchorFile implements AuditAnchor {

  private final Path file;

  AnchorFile(Path file) {
    this.file = file.toAbsolutePath();
  }

  @Override
  public String location() {
    return file.toString();
  }

  @Override
  public Optional<String> read() {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit anchor " + file, e);
    }
  }

  @Override
  public void write(String text) {
    try {
      Path directory = Files.createDirectories(file.getParent());
      Path draft = Files.createTempFile(directory, file.getFileName() + ".", ".tmp");
      try {
        try (FileChannel channel = FileChannel.open(draft, StandardOpenOption.WRITE)) {
          ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
          while (bytes.hasRemaining()) {
            channel.write(bytes);
          }
          channel.force(true);
        }
        Files.move(draft, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(draft);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the audit anchor " + file, e);
    }
  }
}
