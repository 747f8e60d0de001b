package io.rebound.recovery.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.recovery.AffectedFile;
import io.rebound.recovery.FileKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Relation files known only by their path: tablespace, kind (system catalog or not) and whether their place is there. */
class RelationPathsTest {

  @TempDir Path data;

  @Test
  void shouldReadTheDefaultTablespaceAndAUserRelation() throws IOException {
    Files.createDirectories(data.resolve("base/5"));

    assertThat(RelationPaths.affected("base/5/16384", "missing", data))
        .isEqualTo(new AffectedFile("base/5/16384", "pg_default", FileKind.DATA, "file 16384 of database oid 5", true, "missing"));
    assertThat(RelationPaths.affected("base/5/16384.1", "missing", data).kind()).isEqualTo(FileKind.DATA);
    assertThat(RelationPaths.affected("base/5/16384_fsm", "missing", data).holds()).isEqualTo("file 16384 of database oid 5");
  }

  @Test
  void shouldTakeFilesInitdbMadeAndSharedOnesForTheSystemCatalog() {
    AffectedFile catalog = RelationPaths.affected("base/5/16383", "missing", data);
    assertThat(catalog.kind()).isEqualTo(FileKind.SYSTEM);
    assertThat(catalog.essential()).isTrue();
    assertThat(catalog.locationUsable()).isFalse();

    assertThat(RelationPaths.affected("global/1262", "missing", data))
        .isEqualTo(new AffectedFile("global/1262", "pg_global", FileKind.SYSTEM, "a shared system catalog (file 1262)", false, "missing"));
  }

  @Test
  void shouldReadATablespaceOfItsOwn() throws IOException {
    Files.createDirectories(data.resolve("pg_tblspc/16385/PG_15_202209061/5"));

    assertThat(RelationPaths.affected("pg_tblspc/16385/PG_15_202209061/5/16390", "invalid page", data))
        .isEqualTo(new AffectedFile("pg_tblspc/16385/PG_15_202209061/5/16390", "tablespace oid 16385", FileKind.DATA,
            "file 16390 of database oid 5", true, "invalid page"));
    assertThat(RelationPaths.affected("pg_tblspc/16385/PG_15_202209061/5/100", "missing", data).kind()).isEqualTo(FileKind.SYSTEM);
  }

  @Test
  void shouldKeepAPathOfAnotherShapeAsData() {
    assertThat(RelationPaths.affected("pg_xact/0000", "missing", data))
        .isEqualTo(new AffectedFile("pg_xact/0000", null, FileKind.DATA, null, false, "missing"));
  }
}
