package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a dump directory offers a requester: its regular files, nothing the link or the name would lead elsewhere. */
class DumpFilesTest {

  private final DumpFiles dumps = new DumpFiles();

  @Test
  void shouldListTheRegularFilesInsideNewestFirstWithSizeAndTime(@TempDir Path directory, @TempDir Path elsewhere) throws Exception {
    at(Files.writeString(directory.resolve("b.dump"), "bb"), "2026-03-01T00:00:00Z");
    at(Files.writeString(directory.resolve("a.dump"), "a"), "2026-03-01T00:00:00Z");
    at(Files.writeString(directory.resolve("new.dump"), "new!"), "2026-05-01T08:00:00.5Z");
    Files.createDirectories(directory.resolve("sub.dump"));
    Files.writeString(directory.resolve(".hidden.dump"), "h");
    Files.createSymbolicLink(directory.resolve("link.dump"), Files.writeString(elsewhere.resolve("other.dump"), "o"));
    Files.createSymbolicLink(directory.resolve("dir-link"), elsewhere);

    List<DumpFiles.DumpFile> files = dumps.in(directory).orElseThrow();

    assertThat(files).containsExactly(new DumpFiles.DumpFile("new.dump", 4, "2026-05-01T08:00:00.500Z"),
        new DumpFiles.DumpFile("a.dump", 1, "2026-03-01T00:00:00.000Z"), new DumpFiles.DumpFile("b.dump", 2, "2026-03-01T00:00:00.000Z"));
  }

  @Test
  void shouldSayWhenTheDirectoryCannotBeReadFromHere(@TempDir Path directory) throws Exception {
    assertThat(dumps.in(directory.resolve("missing"))).isEmpty();
    assertThat(dumps.in(Files.writeString(directory.resolve("file"), "x"))).isEmpty();
    assertThat(dumps.in(Files.createDirectory(directory.resolve("empty")))).contains(List.of());
  }

  @Test
  void shouldListAtMostAThousandFiles(@TempDir Path directory) throws Exception {
    for (int i = 0; i < DumpFiles.MAX_FILES + 5; i++) {
      Files.createFile(directory.resolve("d" + i + ".dump"));
    }
    assertThat(dumps.in(directory).orElseThrow()).hasSize(DumpFiles.MAX_FILES);
  }

  @Test
  void shouldOfferOnlyNamesARequestCanCarry() {
    assertThat(DumpFiles.offered("winstore_full_backup.dump")).isTrue();
    assertThat(DumpFiles.offered("a")).isTrue();
    assertThat(DumpFiles.offered("x".repeat(255))).isTrue();
    assertThat(DumpFiles.offered("x".repeat(256))).isFalse();
    assertThat(DumpFiles.offered("")).isFalse();
    assertThat(DumpFiles.offered(".hidden")).isFalse();
    assertThat(DumpFiles.offered("a\\b.dump")).isFalse();
    assertThat(DumpFiles.offered("a/b.dump")).isFalse();
    assertThat(DumpFiles.offered("line\nbreak.dump")).isFalse();
    assertThat(DumpFiles.offered("bell\u0007.dump")).isFalse();
    assertThat(DumpFiles.offered("del\u007f.dump")).isFalse();
    assertThat(DumpFiles.offered("space ok.dump")).isTrue();
    assertThat(DumpFiles.offered("tilde~.dump")).isTrue();
  }

  private static void at(Path file, String instant) throws Exception {
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse(instant)));
  }
}
