package io.rebound.backup.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.backup.CollectedLogs;
import io.rebound.backup.LogManifest;
import io.rebound.backup.Piece;
import io.rebound.target.Dialect;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which files of a finished collection another run has shipped since: the collection is then taken afresh. */
class ShippedAlreadyTest {

  static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  static LogManifest batch(String id, String... names) {
    return new LogManifest(id, "pg", Dialect.POSTGRESQL, 1, "7301188211537469442", T0, T0, "0/1000000", "0/4000000",
        java.util.Arrays.stream(names).map(name -> new Piece(name, "l/" + id + "/" + name, 16, "aa")).toList());
  }

  static CollectedLogs collected(String... names) {
    return new CollectedLogs(Optional.of(batch("new")), java.util.Arrays.stream(names).map(name -> Path.of("/archive", name)).toList(),
        List.of());
  }

  @Test
  void shouldNameTheCollectedFilesTheCatalogHoldsInOrder() {
    CollectedLogs collected = collected("000000010000000000000004", "00000002.history", "000000010000000000000003");
    List<LogManifest> catalog = List.of(batch("a", "000000010000000000000001", "000000010000000000000003"),
        batch("b", "00000002.history", "000000010000000000000004"));

    assertThat(DatabaseBackupService.shippedAlready(collected, catalog))
        .containsExactly("000000010000000000000003", "000000010000000000000004", "00000002.history");
  }

  @Test
  void shouldFindNothingWhenNoneOfTheCollectedFilesIsShipped() {
    assertThat(DatabaseBackupService.shippedAlready(collected("000000010000000000000005"),
        List.of(batch("a", "000000010000000000000004")))).isEmpty();
    assertThat(DatabaseBackupService.shippedAlready(collected("000000010000000000000005"), List.of())).isEmpty();
  }
}
