package io.rebound.restore.postgresql;

import io.rebound.restore.DumpNotFoundException;
import io.rebound.target.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dump archives of a target: where a named one lies (never outside the dump directory), whether it can be read,
 * and what its table of contents ({@code pg_restore --list}) says it holds.
 */
final class PostgresDumpFiles {

  private static final Pattern TOC_SCHEMA = Pattern.compile("^\\d+; \\d+ \\d+ SCHEMA - (\\S+) (\\S+)$");
  private static final Pattern TOC_ENTRY = Pattern.compile("^\\d+; .*");

  private final Path workDirectory;

  /** @param workDirectory where {@code pg_restore --list} writes its output for a moment */
  PostgresDumpFiles(Path workDirectory) {
    this.workDirectory = workDirectory;
  }

  /** Throws {@link DumpNotFoundException} when the archive is not a readable file of the dump directory. */
  void checkReadable(Target target, String dumpFile) {
    Path file = path(target, dumpFile);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new DumpNotFoundException("dump file " + dumpFile + " is not present or not readable in " + target.dumpDirectory());
    }
  }

  /** The schemas in the archive's table of contents, with their owners, and how many entries it has. */
  List<String> contents(Target target, String dumpFile) {
    return contents(tableOfContents(target, dumpFile));
  }

  /** How many entries the archive's table of contents has: what pg_restore works through. */
  long entries(Target target, String dumpFile) {
    return entries(tableOfContents(target, dumpFile));
  }

  private List<String> tableOfContents(Target target, String dumpFile) {
    PostgresClient client = new PostgresClient(target);
    try {
      return client.runShort(List.of(client.program("pg_restore").toString(), "--list", path(target, dumpFile).toString()),
          workDirectory.resolve("tmp"));
    } catch (PostgresClient.ClientCommandException e) {
      throw new DumpNotFoundException("dump file " + dumpFile + " is not a pg_dump archive pg_restore can read: " + e.getMessage());
    }
  }

  /** Of a table of contents, each schema with its owner, then the count of its entries. */
  static List<String> contents(List<String> toc) {
    List<String> contents = new ArrayList<>();
    for (String line : toc) {
      Matcher schema = TOC_SCHEMA.matcher(line);
      if (schema.matches()) {
        contents.add("schema " + schema.group(1) + " owned by " + schema.group(2));
      }
    }
    contents.add(entries(toc) + " archive entries");
    return contents;
  }

  static long entries(List<String> toc) {
    return toc.stream().filter(line -> TOC_ENTRY.matcher(line).matches()).count();
  }

  /** The archive's path, refused when the name would lead out of the dump directory. */
  static Path path(Target target, String dumpFile) {
    if (target.dumpDirectory() == null) {
      throw new IllegalStateException("rebound.targets." + target.name() + ".dump-directory is not set");
    }
    Path directory = target.dumpDirectory().toAbsolutePath().normalize();
    Path file = directory.resolve(dumpFile).normalize();
    if (!file.getParent().equals(directory)) {
      throw new IllegalArgumentException("dump file " + dumpFile + " is outside the dump directory");
    }
    return file;
  }
}
