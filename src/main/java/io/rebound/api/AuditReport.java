package io.rebound.api;

import io.rebound.audit.AuditEvent;
import java.util.List;

/** The audit trail of one run as a Markdown report a DBA can attach to a change ticket. */
final class AuditReport {

  private AuditReport() {}

  static String markdown(Recoveries.Recovery recovery, List<AuditEvent> events) {
    StringBuilder md = new StringBuilder();
    md.append("# Recovery ").append(recovery.id()).append("\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| Runbook | ").append(recovery.process()).append(" |\n");
    md.append("| State | ").append(recovery.state()).append(" |\n");
    md.append("| Started by | ").append(cell(recovery.startedBy())).append(" |\n");
    md.append("| Started | ").append(recovery.startTime()).append(" |\n");
    if (recovery.endTime() != null) {
      md.append("| Ended | ").append(recovery.endTime()).append(" |\n");
    }
    if (recovery.failureReason() != null) {
      md.append("| Failure | ").append(cell(recovery.failureReason())).append(" |\n");
    }
    md.append("\n## Events\n\n| # | At (UTC) | Event | Step | Actor | Outcome |\n|---|---|---|---|---|---|\n");
    for (AuditEvent event : events) {
      md.append("| ").append(event.id()).append(" | ").append(event.at()).append(" | ").append(event.type()).append(" | ")
          .append(cell(event.step())).append(" | ").append(cell(event.actor())).append(" | ").append(cell(event.outcome())).append(" |\n");
    }
    md.append("\n## Details\n");
    for (AuditEvent event : events) {
      if (event.details() != null && !event.details().equals("{}")) {
        md.append("\n### ").append(event.id()).append(" ").append(event.type()).append(" ").append(event.step() == null ? "" : event.step())
            .append("\n\n```json\n").append(event.details()).append("\n```\n");
      }
    }
    md.append("\n## Chain\n\nFirst row's previous hash `").append(events.isEmpty() ? "-" : events.get(0).previousHash())
        .append("`, last row's hash `").append(events.isEmpty() ? "-" : events.get(events.size() - 1).hash()).append("`.\n");
    return md.toString();
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", "<br>");
  }
}
