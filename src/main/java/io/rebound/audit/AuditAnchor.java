package io.rebound.audit;

import java.util.Optional;

/**
 * Where the audit trail's head (last id, last hash, row count, MAC'd with the audit key) is kept outside the
 * engine database, so that rows removed from the end of the trail, or a trail emptied altogether, are
 * noticed by whoever verifies it. A store only keeps text: sealing and checking it is the trail's business.
 *
 * <p>The trail writes the anchor with its head row locked, in the transaction that appends the row, so
 * writers on several nodes never race each other. A store for object storage (S3 under object lock)
 * implements this interface the same way as {@link AnchorFile}.
 */
public interface AuditAnchor {

  /** Where the anchor is, as an operator would look for it (a path, a bucket and key). */
  String location();

  /** The text last written; empty when there is none. Fails when the store cannot be read. */
  Optional<String> read();

  /** Replaces the anchor by this text, whole or not at all. Fails when the store cannot be written. */
  void write(String text);
}
