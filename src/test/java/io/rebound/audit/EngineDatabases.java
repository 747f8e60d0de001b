package io.rebound.audit;

import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

/** Engine databases for unit tests: H2 in memory, migrated as the application migrates its own (application.yml). */
final class EngineDatabases {

  private EngineDatabases() {}

  static JdbcDataSource h2() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
    return dataSource;
  }

  static void migrate(DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).table("rebound_schema_history").baselineOnMigrate(true).baselineVersion("0").load().migrate();
  }
}
