package io.rebound.backup.runbooks;

/**
 * Validated inputs of one database restore.
 *
 * @param target the target whose backups are restored
 * @param pointInTime {@code latest} or an ISO-8601 instant, as {@link io.rebound.backup.RecoveryPoint#parse} reads it
 * @param destination the target restored over: the same as {@code target} unless another was named
 */
record DatabaseRestoreRequest(String target, String pointInTime, String destination) {}
