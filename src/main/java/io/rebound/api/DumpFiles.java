package io.rebound.api;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The dump files of a dump directory, as a requester picks one: the regular files directly inside it, by name,
 * size and time. A link is not followed (it may point anywhere on the host), a directory is not entered, and a
 * name a schema restore would refuse (path parts, control characters) is not offered.
 */
@Component
class DumpFiles {

  /** At most this many files are listed, newest first: a pick-list, not a file browser. */
  static final int MAX_FILES = 1000;

  /** One dump file: its name, its size in bytes, when it was last written (UTC, to the millisecond). */
  record DumpFile(String name, long size, String modifiedAt) {}

  private record Found(String name, long size, long millis) {}

  /** The files, newest first; empty when the directory cannot be read from here. */
  Optional<List<DumpFile>> in(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return Optional.empty();
    }
    List<Found> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException gone) {
          continue; // removed while listed
        }
        String name = entry.getFileName().toString();
        if (attributes.isRegularFile() && offered(name)) {
          files.add(new Found(name, attributes.size(), attributes.lastModifiedTime().toMillis()));
        }
      }
    }
    files.sort(Comparator.comparingLong(Found::millis).reversed().thenComparing(Found::name));
    return Optional.of(files.stream().limit(MAX_FILES)
        .map(f -> new DumpFile(f.name(), f.size(), AuditReport.iso(java.util.Date.from(Instant.ofEpochMilli(f.millis()))))).toList());
  }

  /** A name a request can carry as it is: no path part, no control character, not hidden. */
  static boolean offered(String name) {
    if (name.isEmpty() || name.startsWith(".") || name.length() > 255) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
