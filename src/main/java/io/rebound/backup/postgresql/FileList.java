package io.rebound.backup.postgresql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every directory and file of a backed-up data directory, with each file's size and the SHA-256 of the bytes copied:
 * one line per entry ({@code D <path>}, {@code F <sha256> <size> <path>}, tab-separated), paths relative to the data
 * directory. An INCREMENTAL's list names every file of the data directory, also those it did not copy, so a restore
 * checks the whole result against it and removes what was deleted since the parent.
 */
final class FileList {

  static final String NAME = "files.list";
  private static final String HEADER = "# rebound postgresql file list 1";
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** A file's size and checksum. */
  record Entry(long size, String sha256) {}

  private final List<String> directories;
  private final Map<String, Entry> files;

  FileList(List<String> directories, Map<String, Entry> files) {
    directories.forEach(FileList::checkPath);
    files.keySet().forEach(FileList::checkPath);
    this.directories = List.copyOf(directories);
    this.files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
  }

  List<String> directories() {
    return directories;
  }

  Map<String, Entry> files() {
    return files;
  }

  Optional<Entry> file(String path) {
    return Optional.ofNullable(files.get(path));
  }

  /**
   * A path inside a data directory as a list or a tar names it: relative, '/'-separated, without '.', '..' or empty
   * parts and without control characters. Anything else could write outside the directory a restore lays down.
   */
  static String checkPath(String path) {
    if (path == null || path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.length() > 1000) {
      throw new IllegalArgumentException("'" + path + "' is not a relative path inside a data directory");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7F || c == '\\') {
        throw new IllegalArgumentException("'" + path.replaceAll("[\\p{Cntrl}]", "?") + "' holds a character a data directory path"
            + " never holds");
      }
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("'" + path + "' is not a relative path inside a data directory");
      }
    }
    return path;
  }

  String format() {
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    directories.forEach(directory -> text.append("D\t").append(directory).append('\n'));
    files.forEach((path, entry) -> text.append("F\t").append(entry.sha256()).append('\t').append(entry.size()).append('\t')
        .append(path).append('\n'));
    return text.toString();
  }

  void write(Path file) throws IOException {
    Files.writeString(file, format(), StandardCharsets.UTF_8);
  }

  static FileList read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  static FileList parse(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length == 0 || !lines[0].equals(HEADER)) {
      throw new IllegalArgumentException("not a file list of a PostgreSQL backup: it does not begin with '" + HEADER + "'");
    }
    List<String> directories = new ArrayList<>();
    Map<String, Entry> files = new LinkedHashMap<>();
    for (int number = 1; number < lines.length; number++) {
      String line = lines[number];
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields[0].equals("D") && fields.length == 2) {
        directories.add(checkPath(fields[1]));
      } else if (fields[0].equals("F") && fields.length == 4 && SHA256.matcher(fields[1]).matches() && fields[2].matches("[0-9]{1,15}")) {
        if (files.put(checkPath(fields[3]), new Entry(Long.parseLong(fields[2]), fields[1])) != null) {
          throw new IllegalArgumentException("the file list names " + fields[3] + " twice");
        }
      } else {
        throw new IllegalArgumentException("line " + (number + 1) + " of the file list is not 'D<tab>path' nor"
            + " 'F<tab>sha256<tab>size<tab>path'");
      }
    }
    return new FileList(directories, files);
  }
}
