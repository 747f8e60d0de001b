package io.rebound.restore;

import io.rebound.runbook.ApprovablePlan;
import io.rebound.target.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Exactly what a schema restore will do, computed before approval and again just before the reset. Its
 * {@link #hash()} covers everything that will be destroyed or run, and every input that decides how the
 * result is judged (key tables, sequences, the reference target, whether a safety export is taken);
 * sessions are shown but not hashed, since every session of the affected users is ended whichever they are.
 *
 * @param usersToReplace every user the reset drops (if present) and the bootstrap creates, owner first
 * @param lockedUsers users created locked because no password is configured for them
 * @param request the request the plan was made for
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
    List<String> lockedUsers,
    SchemaRestoreRequest request) implements ApprovablePlan {

  public RestorePlan {
    usersToReplace = List.copyOf(usersToReplace);
    reset = List.copyOf(reset);
    bootstrap = List.copyOf(bootstrap);
    lockedUsers = List.copyOf(lockedUsers);
  }

  @Override
  public List<String> canonicalLines() {
    List<String> lines = new ArrayList<>();
    lines.add("target=" + target);
    lines.add("dialect=" + dialect);
    lines.add("owner=" + schemaOwner);
    usersToReplace.forEach(u -> lines.add("user=" + u));
    inventory.existingUsers().forEach(u -> lines.add("existing=" + u));
    inventory.schemas().forEach(s -> lines.add("schema=" + s));
    new TreeMap<>(inventory.objectCounts()).forEach((u, n) -> lines.add("objects." + u + "=" + n));
    inventory.dumpContents().forEach(c -> lines.add("dump=" + c));
    inventory.outsideDependents().forEach(d -> lines.add("outside=" + d));
    appendJob(lines, "safetyExport", safetyExport);
    reset.forEach(a -> lines.add("reset=" + a.kind() + " " + a.describe()));
    bootstrap.forEach(a -> lines.add("bootstrap=" + a.kind() + " " + a.describe()));
    appendJob(lines, "import", importJob);
    lockedUsers.forEach(u -> lines.add("locked=" + u));
    lines.add("request.dumpFile=" + request.dumpFile());
    lines.add("request.companions=" + (request.companionPrefix() != null ? request.companionPrefix() + "*" : String.join(",", request.companionUsers())));
    lines.add("request.safetyExport=" + request.safetyExport());
    request.keyTables().forEach(t -> lines.add("request.keyTable=" + t));
    new TreeMap<>(request.sequences()).forEach((sequence, column) -> lines.add("request.sequence." + sequence + "=" + column));
    lines.add("request.referenceTarget=" + (request.referenceTarget() == null ? "none" : request.referenceTarget()));
    return lines;
  }

  private static void appendJob(List<String> lines, String label, JobSpec job) {
    if (job == null) {
      lines.add(label + "=none");
      return;
    }
    lines.add(label + ".name=" + job.name());
    lines.add(label + ".file=" + job.file());
    job.parameters().forEach(p -> lines.add(label + ".parameter=" + p));
    job.settings().forEach((key, value) -> lines.add(label + ".setting." + key + "=" + value));
  }

  /** The plan as an approver reads it. */
  @Override
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
    if (!inventory.outsideDependents().isEmpty()) {
      text.append("\nALSO DROPPED OR CHANGED OUTSIDE THE RESTORED SCHEMAS (").append(inventory.outsideDependents().size())
          .append("), not brought back by the import:\n");
      inventory.outsideDependents().forEach(d -> text.append("  - ").append(d).append('\n'));
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
      text.append(request.safetyExport() ? "nothing to export, no schema exists yet\n" : "off\n");
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
    text.append("5. Verify: invalid objects recompiled; key tables must have rows: ")
        .append(request.keyTables().isEmpty() ? "none named" : String.join(", ", request.keyTables())).append('\n');
    request.sequences().forEach((sequence, column) -> text.append("     sequence ").append(sequence).append(" moved past ").append(column).append('\n'));
    if (request.referenceTarget() != null) {
      text.append("6. Compare the key tables with target ").append(request.referenceTarget()).append("; the run fails if they differ\n");
    }
    text.append("\nPlan hash ").append(hash()).append('\n');
    return text.toString();
  }
}
