package io.rebound.repair;

import io.rebound.repair.reference.Mailbox;
import io.rebound.repair.reference.ReferenceWorkstation;
import io.rebound.repair.reference.WorkingDirectory;
import io.rebound.storage.ObjectStore;
import io.rebound.target.Targets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The workstations Rebound may repair: each configured one ({@code rebound.workstations.<id>}) as the
 * reference implementation over its target, working directory and mailbox, and any {@link Workstation} bean
 * a site adds for its own replication system. A configuration that cannot work stops the start.
 */
@Component
public class Workstations {

  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final WorkstationProperties.Settings DEFAULTS =
      new WorkstationProperties.Settings(null, null, null, Duration.ofMinutes(1), Duration.ofHours(24), true);

  private final Map<String, WorkstationProperties.Settings> settings;
  private final Map<String, Workstation> plugged = new LinkedHashMap<>();
  private final Targets targets;
  private final ObjectProvider<ObjectStore> store;

  public Workstations(WorkstationProperties properties, Targets targets, ObjectProvider<ObjectStore> store, List<Workstation> plugged) {
    this.settings = properties.workstations();
    this.targets = targets;
    this.store = store;
    settings.forEach(Workstations::check);
    if (!settings.isEmpty() && store.getIfAvailable() == null) {
      throw new IllegalStateException("rebound.workstations needs the object store their mailboxes are in: set rebound.storage.s3.bucket");
    }
    for (Workstation workstation : plugged) {
      if (settings.containsKey(workstation.id()) || this.plugged.put(workstation.id(), workstation) != null) {
        throw new IllegalStateException("two workstations have the id " + workstation.id());
      }
    }
  }

  private static void check(String id, WorkstationProperties.Settings s) {
    String at = "rebound.workstations." + id;
    if (!ID.matcher(id).matches()) {
      throw new IllegalStateException(at + ": a workstation id is letters, digits, '_' and '-', at most 64");
    }
    if (s.target() == null || s.target().isBlank()) {
      throw new IllegalStateException(at + ".target is required: the configured target holding the workstation's database");
    }
    if (s.workingDirectory() == null) {
      throw new IllegalStateException(at + ".working-directory is required");
    }
    if (s.mailbox() == null || !s.mailbox().matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")) {
      throw new IllegalStateException(at + ".mailbox is required: the workstation's prefix in the object store, path segments of"
          + " letters, digits, '.', '_' and '-'");
    }
    if (s.retransmissionWait().isNegative() || s.retransmissionWait().isZero()
        || s.retransmissionGiveUp().compareTo(s.retransmissionWait()) < 0) {
      throw new IllegalStateException(at + ": retransmission-wait must be positive and retransmission-give-up no shorter than it");
    }
  }

  public Set<String> ids() {
    Set<String> ids = new TreeSet<>(settings.keySet());
    ids.addAll(plugged.keySet());
    return ids;
  }

  public boolean exists(String id) {
    return id != null && (settings.containsKey(id) || plugged.containsKey(id));
  }

  /** The workstation of that id, or an {@link IllegalArgumentException} naming the known ones. */
  public Workstation get(String id) {
    Workstation workstation = plugged.get(id);
    if (workstation != null) {
      return workstation;
    }
    WorkstationProperties.Settings s = Optional.ofNullable(id).map(settings::get)
        .orElseThrow(() -> new IllegalArgumentException("unknown workstation '" + id + "'; configured workstations: " + ids()));
    return new ReferenceWorkstation(id, () -> targets.get(s.target()).connect(), new WorkingDirectory(s.workingDirectory()),
        new Mailbox(store.getObject(), s.mailbox()));
  }

  /** A workstation's settings; defaults for one a site plugged in without configuring it. */
  public WorkstationProperties.Settings settings(String id) {
    return settings.getOrDefault(id, DEFAULTS);
  }
}
