package io.rebound.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.target.Targets;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** Audit trails for unit tests of other packages: an H2 engine database migrated as the application's, a key, an anchor file. */
public final class AuditTrails {

  private AuditTrails() {}

  /** A fresh trail in memory, anchored in {@code directory}. */
  public static AuditTrail inMemory(Targets targets, Path directory) {
    JdbcDataSource dataSource = EngineDatabases.h2();
    EngineDatabases.migrate(dataSource);
    return over(dataSource, targets, directory);
  }

  static AuditTrail over(DataSource dataSource, Targets targets, Path directory) {
    AuditKey key = new AuditKey("audit-key-for-tests-0123456789abcdef");
    return new AuditTrail(dataSource, new DataSourceTransactionManager(dataSource), new Redactor(targets, key), new ObjectMapper(), key,
        new AnchorFile(directory.resolve("audit-anchor.json")));
  }
}
