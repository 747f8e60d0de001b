package io.rebound.backup;

import static io.rebound.backup.Catalogs.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.target.Dialect;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** The catalog on the default engine database, H2, migrated as the application migrates it. */
class BackupCatalogTest {

  private static BackupCatalog catalog() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    Flyway.configure().dataSource(dataSource).table("rebound_schema_history").baselineOnMigrate(true).baselineVersion("0").load().migrate();
    return new BackupCatalog(dataSource, new DataSourceTransactionManager(dataSource));
  }

  @Test
  void shouldGiveBackWhatItRecordsOnceEvenWhenRecordedTwice() {
    BackupCatalog catalog = catalog();
    CatalogSnapshot source = new Catalogs().full("f1", 0, 60).incremental("i1", "f1", 1440, 1470).logs(0, 2000, 500).snapshot();
    assertThat(catalog.isEmpty()).isTrue();

    source.backups().forEach(catalog::record);
    source.logs().forEach(catalog::record);
    catalog.record(source.backups().get(0));
    CatalogSnapshot read = catalog.snapshot(Catalogs.TARGET, Dialect.POSTGRESQL);

    assertThat(catalog.isEmpty()).isFalse();
    assertThat(read.backups()).containsExactlyElementsOf(source.backups());
    assertThat(read.logs()).containsExactlyInAnyOrderElementsOf(source.logs());
    assertThat(catalog.snapshot("other", Dialect.POSTGRESQL).backups()).isEmpty();
    assertThat(PointInTimePlanner.plan(read, RecoveryPoint.at(at(1500)))).isEqualTo(PointInTimePlanner.plan(source, RecoveryPoint.at(at(1500))));
  }

  @Test
  void shouldForgetWhatWasDeleted() {
    BackupCatalog catalog = catalog();
    CatalogSnapshot source = new Catalogs().full("f1", 0, 60).full("f2", 100, 160).logs(0, 200, 100).snapshot();
    source.backups().forEach(catalog::record);
    source.logs().forEach(catalog::record);

    catalog.forget(source.backups().get(0));
    catalog.forget(source.logs().get(0));

    CatalogSnapshot read = catalog.snapshot(Catalogs.TARGET, Dialect.POSTGRESQL);
    assertThat(read.backups()).extracting(BackupManifest::id).containsExactly("f2");
    assertThat(read.logs()).containsExactly(source.logs().get(1));
  }
}
