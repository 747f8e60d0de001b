package io.rebound.backup;

import io.rebound.storage.ObjectStore;
import io.rebound.storage.StoredObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a backup or a batch of logs into the bucket: every piece first, each with its checksum, then the manifest
 * naming them. Until the manifest is written the backup does not exist for the catalog, so a failure part-way
 * leaves only pieces that the next attempt completes (an upload resumes, an identical piece is kept).
 */
public class BackupStore {

  private final ObjectStore store;

  public BackupStore(ObjectStore store) {
    this.store = store;
  }

  /** Uploads the files of a backup and then its manifest; the manifest's own pieces are ignored. */
  public BackupManifest publish(BackupManifest backup, List<Path> files) throws IOException {
    String directory = store.key(BackupLayout.backupDirectory(backup.target(), backup.startTime(), backup.id()));
    List<Piece> pieces = upload(directory, files);
    BackupManifest manifest = new BackupManifest(backup.id(), backup.target(), backup.dialect(), backup.type(), backup.parentId(),
        backup.timeline(), backup.databaseIdentity(), backup.startTime(), backup.endTime(), backup.startPosition(),
        backup.endPosition(), pieces);
    writeManifest(manifest, directory);
    return manifest;
  }

  /** Uploads a batch of shipped logs and then its manifest; the manifest's own pieces are ignored. */
  public LogManifest publish(LogManifest batch, List<Path> files) throws IOException {
    String directory = store.key(BackupLayout.logDirectory(batch.target(), batch.startTime(), batch.id()));
    List<Piece> pieces = upload(directory, files);
    LogManifest manifest = new LogManifest(batch.id(), batch.target(), batch.dialect(), batch.timeline(), batch.databaseIdentity(),
        batch.startTime(), batch.endTime(), batch.startPosition(), batch.endPosition(), pieces, batch.transactionEnds());
    writeManifest(manifest, directory);
    return manifest;
  }

  /** The key of a manifest, where the catalog finds it. */
  public static String manifestKey(Manifest manifest) {
    String directory = manifest.pieces().get(0).key();
    return directory.substring(0, directory.lastIndexOf('/') + 1) + BackupLayout.MANIFEST;
  }

  private List<Piece> upload(String directory, List<Path> files) throws IOException {
    List<Piece> pieces = new ArrayList<>();
    for (Path file : files) {
      String name = BackupLayout.pieceName(file.getFileName().toString());
      StoredObject stored = store.upload(file, directory + name);
      pieces.add(new Piece(name, stored.key(), stored.size(), stored.sha256()));
    }
    return pieces;
  }

  private void writeManifest(Manifest manifest, String directory) {
    String key = directory + BackupLayout.MANIFEST;
    ManifestJson.check(manifest, key);
    store.put(key, ManifestJson.write(manifest), "application/json");
  }
}
