package io.rebound.backup.runbooks;

import io.rebound.backup.BackupCatalog;
import io.rebound.backup.BackupStore;
import io.rebound.runbook.InvalidInputException;
import io.rebound.storage.ObjectStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The bucket backups are kept in, when one is configured ({@code rebound.storage.s3.bucket}), and the catalog that
 * indexes it. Without a bucket, every backup and database-restore request is refused with that reason.
 */
@Component
class BucketAccess {

  private final ObjectProvider<ObjectStore> store;
  private final BackupCatalog catalog;

  BucketAccess(ObjectProvider<ObjectStore> store, BackupCatalog catalog) {
    this.store = store;
    this.catalog = catalog;
  }

  /** Refuses when no bucket is configured. */
  void require() {
    store();
  }

  ObjectStore store() {
    ObjectStore found = store.getIfAvailable();
    if (found == null) {
      throw new InvalidInputException("no bucket is configured for backups: set rebound.storage.s3.bucket (and its endpoint and"
          + " credentials)");
    }
    return found;
  }

  boolean configured() {
    return store.getIfAvailable() != null;
  }

  BackupStore backups() {
    return new BackupStore(store());
  }

  BackupCatalog catalog() {
    return catalog;
  }
}
