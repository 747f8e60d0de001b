package io.rebound.restore.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.config.ReboundProperties;
import io.rebound.restore.DumpNotFoundException;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dump archive of the dump directory: where it may lie, whether it is there, what its table of contents says. */
class PostgresDumpFilesTest {

  @TempDir Path dumps;
  @TempDir Path work;

  /** {@code pg_restore --list} of a dump of two schemas: comments, schema entries, other entries. */
  static final List<String> TOC = List.of(
      ";",
      "; Archive created at 2026-11-30 10:15:02 UTC",
      ";     dbname: app",
      ";     TOC Entries: 7",
      ";",
      "; Selected TOC Entries:",
      ";",
      "6; 2615 16385 SCHEMA - winstore_admin winstore_admin",
      "7; 2615 16386 SCHEMA - winstore_app winstore_app",
      "215; 1259 16391 TABLE winstore_admin products winstore_admin",
      "216; 1259 16392 SEQUENCE winstore_admin products_product_id_seq winstore_admin",
      "3340; 0 16391 TABLE DATA winstore_admin products winstore_admin",
      "; 3341; 0 16393 TABLE DATA winstore_app notes winstore_app (left out by a use list)",
      "");

  @Test
  void shouldTellTheSchemasWithTheirOwnersAndCountTheEntriesPgRestoreWorksThrough() {
    assertThat(PostgresDumpFiles.contents(TOC)).containsExactly(
        "schema winstore_admin owned by winstore_admin", "schema winstore_app owned by winstore_app", "5 archive entries");
    assertThat(PostgresDumpFiles.entries(TOC)).isEqualTo(5);
    assertThat(PostgresDumpFiles.contents(List.of(";", "; Selected TOC Entries:"))).containsExactly("0 archive entries");
  }

  @Test
  void shouldFindAnArchiveOnlyInsideTheDumpDirectory() {
    Target target = target(dumps);

    assertThat(PostgresDumpFiles.path(target, "winstore.dump")).isEqualTo(dumps.toAbsolutePath().normalize().resolve("winstore.dump"));
    assertThatThrownBy(() -> PostgresDumpFiles.path(target, "../winstore.dump"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("dump file ../winstore.dump is outside the dump directory");
    assertThatThrownBy(() -> PostgresDumpFiles.path(target, "sub/winstore.dump")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PostgresDumpFiles.path(target(null), "winstore.dump"))
        .isInstanceOf(IllegalStateException.class).hasMessage("rebound.targets.pg.dump-directory is not set");
  }

  @Test
  void shouldRefuseAnArchiveThatIsNotThereOrIsADirectory() throws Exception {
    PostgresDumpFiles files = new PostgresDumpFiles(work);
    Files.createDirectory(dumps.resolve("a-directory.dump"));
    Files.writeString(dumps.resolve("present.dump"), "PGDMP");

    files.checkReadable(target(dumps), "present.dump");
    assertThatThrownBy(() -> files.checkReadable(target(dumps), "missing.dump"))
        .isInstanceOf(DumpNotFoundException.class).hasMessage("dump file missing.dump is not present or not readable in " + dumps);
    assertThatThrownBy(() -> files.checkReadable(target(dumps), "a-directory.dump")).isInstanceOf(DumpNotFoundException.class);
  }

  @Test
  void shouldRefuseAFileThatPgRestoreCannotReadAsAnArchive() throws Exception {
    Files.writeString(dumps.resolve("notes.txt"), "not an archive\n");

    assertThatThrownBy(() -> new PostgresDumpFiles(work).contents(target(dumps), "notes.txt"))
        .isInstanceOf(DumpNotFoundException.class).hasMessageStartingWith("dump file notes.txt is not a pg_dump archive pg_restore can read: ");
  }

  private static Target target(Path dumpDirectory) {
    Targets targets = new Targets(new ReboundProperties(null, null, null, null));
    targets.register("pg", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://127.0.0.1:1/app", "postgres", "pw", null, dumpDirectory,
        null, null, null, Map.of(), Map.of()));
    return targets.get("pg");
  }
}
