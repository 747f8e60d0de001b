package io.rebound.restore;

import io.rebound.target.Dialect;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * Exactly what a schema restore will do, computed before approval and again just before the reset. Its
 * {@link #hash()} covers everything that will be destroyed or run; sessions are shown but not hashed,
 * since every session of the affected users is ended whichever they are.
 *
 * @param usersToReplace every user the reset drops (if present) and the bootstrap creates, owner first
 * @param lockedUsers users created locked because no password is configured for them
 */
public record RestorePlan(
    String target,
    Dialect dialect,
    String schemaOwner,
    List<String> usersToReplace,
    Inventory inventory,
    JobSpec safetyExport,
    List<PlannedAction> reset,
    List<PlannedAction> bootstrap,
    JobSpec importJob,
    List<String> lockedUsers) {

  public RestorePlan {
    usersToReplace = List.copyOf(usersToReplace);
    reset = List.copyOf(reset);
    bootstrap = List.copyOf(bootstrap);
    lockedUsers = List.copyOf(lockedUsers);
  }

  /** SHA-256 of the plan's canonical form (hex). */
  public String hash() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(canonical().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The hashed part, one fact a line, in a fixed order. */
  String canonical() {
    StringBuilder text = new StringBuilder();
    text.append("target=").append(target).append('\n');
    text.append("dialect=").append(dialect).append('\n');
    text.append("owner=").append(schemaOwner).append('\n');
    usersToReplace.forEach(u -> text.append("user=").append(u).append('\n'));
    inventory.existingUsers().forEach(u -> text.append("existing=").append(u).append('\n'));
    inventory.schemas().forEach(s -> text.append("schema=").append(s).append('\n'));
    new TreeMap<>(inventory.objectCounts()).forEach((u, n) -> text.append("objects.").append(u).append('=').append(n).append('\n'));
    inventory.dumpContents().forEach(c -> text.append("dump=").append(c).append('\n'));
    appendJob(text, "safetyExport", safetyExport);
    reset.forEach(a -> text.append("reset=").append(a.kind()).append(' ').append(a.describe()).append('\n'));
    bootstrap.forEach(a -> text.append("bootstrap=").append(a.kind()).append(' ').append(a.describe()).append('\n'));
    appendJob(text, "import", importJob);
    lockedUsers.forEach(u -> text.append("locked=").append(u).append('\n'));
    return text.toString();
  }

  private static void appendJob(StringBuilder text, String label, JobSpec job) {
    if (job == null) {
      text.append(label).append("=none\n");
      return;
    }
    text.append(label).append(".name=").append(job.name()).append('\n');
    text.append(label).append(".file=").append(job.file()).append('\n');
    job.parameters().forEach(p -> text.append(label).append(".parameter=").append(p).append('\n'));
  }

  /** The plan as an approver reads it. */
  public String text() {
    StringBuilder text = new StringBuilder();
    text.append("Target ").append(target).append(" (").append(dialect.name().toLowerCase()).append(")\n");
    text.append("Schema owner ").append(schemaOwner).append("\n\n");
    text.append("Users dropped and recreated:\n");
    for (String user : usersToReplace) {
      Long objects = inventory.objectCounts().get(user);
      text.append("  - ").append(user)
          .append(inventory.existingUsers().contains(user) ? ", " + (objects == null ? 0 : objects) + " objects" : ", does not exist yet")
          .append(lockedUsers.contains(user) ? ", created LOCKED (no password configured)" : "")
          .append('\n');
    }
    if (!inventory.schemas().isEmpty()) {
      text.append("Schemas dropped: ").append(String.join(", ", inventory.schemas())).append('\n');
    }
    text.append("\nSessions ended (").append(inventory.sessions().size()).append("):\n");
    if (inventory.sessions().isEmpty()) {
      text.append("  none\n");
    }
    inventory.sessions().forEach(s -> text.append("  - ").append(s.user()).append(" session ").append(s.id())
        .append(s.program() == null ? "" : " (" + s.program() + ")").append(s.state() == null ? "" : ", " + s.state()).append('\n'));
    if (!inventory.dumpContents().isEmpty()) {
      text.append("\nDump holds: ").append(String.join(", ", inventory.dumpContents())).append('\n');
    }
    text.append("\n1. Safety export: ");
    if (safetyExport == null) {
      text.append("off\n");
    } else {
      text.append(safetyExport.file()).append('\n');
      safetyExport.parameters().forEach(p -> text.append("     ").append(p).append('\n'));
    }
    text.append("2. Reset:\n");
    reset.forEach(a -> text.append("     ").append(a.describe()).append('\n'));
    text.append("3. Bootstrap:\n");
    bootstrap.forEach(a -> text.append("     ").append(a.describe()).append('\n'));
    text.append("4. Import: ").append(importJob.file()).append('\n');
    importJob.parameters().forEach(p -> text.append("     ").append(p).append('\n'));
    text.append("\nPlan hash ").append(hash()).append('\n');
    return text.toString();
  }

  /** Lines of {@code other}'s canonical form that are not in this plan's, and the reverse. */
  public String differencesFrom(RestorePlan other) {
    List<String> mine = canonical().lines().toList();
    List<String> theirs = other.canonical().lines().toList();
    StringBuilder text = new StringBuilder();
    theirs.stream().filter(l -> !mine.contains(l)).forEach(l -> text.append("- ").append(l).append('\n'));
    mine.stream().filter(l -> !theirs.contains(l)).forEach(l -> text.append("+ ").append(l).append('\n'));
    return text.toString();
  }
}
