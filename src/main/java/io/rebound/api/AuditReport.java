package io.rebound.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail of one run as a Markdown report a DBA can attach to a change ticket: what was asked, each step
 * with how long it took, every event, and each event's details laid out to be read (a plan or the statements a
 * step ran as blocks of text, as they ran, never JSON escaped on one line). Every date is in one form, UTC to the
 * millisecond.
 */
final class AuditReport {

  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<String> STEP_ENDS = List.of(AuditEventType.STEP_FINISHED.name(), AuditEventType.STEP_FAILED.name(),
      AuditEventType.STEP_REFUSED.name());

  private AuditReport() {}

  /** A step as the trail tells it: from its first start to its last end, every pass through it counted. */
  record StepTime(String step, String started, String ended, Long millis, int passes, String outcome) {}

  static String markdown(Recoveries.Recovery recovery, List<AuditEvent> events) {
    StringBuilder md = new StringBuilder();
    md.append("# Recovery ").append(recovery.id()).append("\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| Runbook | ").append(cell(recovery.process())).append(" |\n");
    md.append("| State | ").append(recovery.state()).append(" |\n");
    if (recovery.target() != null) {
      md.append("| Target | ").append(cell(recovery.target())).append(" |\n");
    }
    md.append("| Requested by | ").append(cell(recovery.requester() != null ? recovery.requester() : recovery.startedBy())).append(" |\n");
    md.append("| Started | ").append(iso(recovery.startTime())).append(" |\n");
    if (recovery.endTime() != null) {
      md.append("| Ended | ").append(iso(recovery.endTime())).append(" |\n");
      md.append("| Took | ").append(took(recovery.endTime().getTime() - recovery.startTime().getTime())).append(" |\n");
    }
    if (recovery.failureReason() != null) {
      md.append("| Failure | ").append(cell(recovery.failureReason())).append(" |\n");
    }
    List<StepTime> steps = steps(events);
    if (!steps.isEmpty()) {
      md.append("\n## Steps\n\n| Step | Started (UTC) | Ended (UTC) | Took | Passes | Outcome |\n|---|---|---|---|---|---|\n");
      for (StepTime step : steps) {
        md.append("| ").append(cell(step.step())).append(" | ").append(step.started()).append(" | ").append(step.ended() == null ? "" : step.ended())
            .append(" | ").append(step.millis() == null ? "" : took(step.millis())).append(" | ").append(step.passes()).append(" | ")
            .append(cell(step.outcome())).append(" |\n");
      }
    }
    md.append("\n## Events\n\n| # | At (UTC) | Event | Step | Actor | Outcome |\n|---|---|---|---|---|---|\n");
    for (AuditEvent event : events) {
      md.append("| ").append(event.id()).append(" | ").append(iso(event.at())).append(" | ").append(event.type()).append(" | ")
          .append(cell(event.step())).append(" | ").append(cell(event.actor())).append(" | ").append(cell(event.outcome())).append(" |\n");
    }
    md.append("\n## Details\n");
    for (AuditEvent event : events) {
      String details = details(event.details());
      if (!details.isEmpty()) {
        md.append("\n### ").append(event.id()).append(" ").append(event.type()).append(event.step() == null ? "" : " " + event.step())
            .append("\n\n").append(details);
      }
    }
    md.append("\n## Chain\n\nFirst row's previous hash `").append(events.isEmpty() ? "-" : events.get(0).previousHash())
        .append("`, last row's hash `").append(events.isEmpty() ? "-" : events.get(events.size() - 1).hash()).append("`.\n");
    return md.toString();
  }

  /**
   * Each step's start to its end, in the order the steps first started. A step that runs again (a retry, a poll
   * of a running job) keeps one line: from its first start to its last end, with the number of passes.
   */
  static List<StepTime> steps(List<AuditEvent> events) {
    Map<String, List<AuditEvent>> byStep = new LinkedHashMap<>();
    for (AuditEvent event : events) {
      if (event.step() != null && (event.type().equals(AuditEventType.STEP_STARTED.name()) || STEP_ENDS.contains(event.type()))) {
        byStep.computeIfAbsent(event.step(), k -> new ArrayList<>()).add(event);
      }
    }
    List<StepTime> steps = new ArrayList<>();
    for (Map.Entry<String, List<AuditEvent>> step : byStep.entrySet()) {
      List<AuditEvent> rows = step.getValue();
      AuditEvent first = rows.get(0);
      AuditEvent last = rows.get(rows.size() - 1);
      int passes = (int) rows.stream().filter(e -> e.type().equals(AuditEventType.STEP_STARTED.name())).count();
      boolean ended = STEP_ENDS.contains(last.type());
      String outcome = !ended ? "RUNNING"
          : last.type().equals(AuditEventType.STEP_FINISHED.name()) ? (last.outcome() == null ? "FINISHED" : last.outcome())
          : last.type().replace("STEP_", "") + (last.outcome() == null ? "" : ": " + last.outcome());
      Instant from = instant(first.at());
      Instant to = ended ? instant(last.at()) : null;
      Long millis = from != null && to != null ? Duration.between(from, to).toMillis() : null;
      steps.add(new StepTime(step.getKey(), iso(first.at()), ended ? iso(last.at()) : null, millis, Math.max(passes, 1), outcome));
    }
    return steps;
  }

  /**
   * An event's details to read: short values as a list, long or multi-line text (a plan, a message) and the
   * statements a step ran as blocks, anything nested as indented JSON. Empty when there is nothing to show.
   */
  static String details(String details) {
    if (details == null || details.isBlank()) {
      return "";
    }
    JsonNode node;
    try {
      node = JSON.readTree(details);
    } catch (JsonProcessingException e) {
      return block(details, "");
    }
    if (node == null || !node.isObject()) {
      return node == null || node.isNull() ? "" : block(node.isTextual() ? node.asText() : pretty(node), node.isTextual() ? "" : "json");
    }
    if (node.isEmpty()) {
      return "";
    }
    StringBuilder list = new StringBuilder();
    StringBuilder blocks = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.equals("statements") && value.isArray() && statements(value)) {
        blocks.append("**").append(name).append("**\n\n").append(block(statementsText(value), "sql"));
      } else if (value.isTextual() && (value.asText().contains("\n") || value.asText().length() > 120)) {
        blocks.append("**").append(name).append("**\n\n").append(block(value.asText(), ""));
      } else if (value.isValueNode()) {
        list.append("- ").append(name).append(": ").append(inline(value.isNull() ? "null" : value.asText())).append("\n");
      } else if (value.isArray() && scalars(value)) {
        List<String> items = new ArrayList<>();
        value.forEach(item -> items.add(inline(item.asText())));
        list.append("- ").append(name).append(": ").append(items.isEmpty() ? "(none)" : String.join(", ", items)).append("\n");
      } else {
        blocks.append("**").append(name).append("**\n\n").append(block(pretty(value), "json"));
      }
    }
    return list.append(list.length() > 0 && blocks.length() > 0 ? "\n" : "").append(blocks).toString();
  }

  /** Statements as a step logs them: each {@code action} with its {@code outcome}. */
  private static boolean statements(JsonNode value) {
    for (JsonNode item : value) {
      if (!item.isObject() || !item.has("action")) {
        return false;
      }
    }
    return true;
  }

  /** Each statement as it ran, its outcome after it as an SQL comment (one line, so it cannot end the comment). */
  private static String statementsText(JsonNode statements) {
    StringBuilder text = new StringBuilder();
    for (JsonNode statement : statements) {
      text.append(statement.get("action").asText());
      JsonNode outcome = statement.get("outcome");
      if (outcome != null && !outcome.isNull()) {
        text.append("\n-- ").append(outcome.asText().replace("\r", " ").replace("\n", " "));
      }
      text.append("\n");
    }
    return text.toString();
  }

  private static boolean scalars(JsonNode array) {
    for (JsonNode item : array) {
      if (!item.isValueNode()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Text in a fenced block, the fence longer than any run of backticks in it, so nothing recorded (a statement,
   * a message written by whoever named a table) can close the block and be read as the report's own Markdown.
   */
  static String block(String text, String language) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      run = text.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(Math.max(3, longest + 1));
    return fence + language + "\n" + text + (text.endsWith("\n") ? "" : "\n") + fence + "\n\n";
  }

  /** A short value inline as code, one line, its backticks kept inside by a longer delimiter. */
  static String inline(String text) {
    String line = text.replace("\r", " ").replace("\n", " ").replace("|", "\\|");
    int longest = 0;
    int run = 0;
    for (int i = 0; i < line.length(); i++) {
      run = line.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String delimiter = "`".repeat(longest + 1);
    String pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
    return delimiter + pad + line + pad + delimiter;
  }

  private static String pretty(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      return node.toString();
    }
  }

  /** Milliseconds as a person reads a duration: {@code 850 ms}, {@code 12.4 s}, {@code 3 min 05 s}, {@code 2 h 07 min}. */
  static String took(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return String.format(java.util.Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }
    return String.format(java.util.Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
  }

  static String iso(Date date) {
    return date == null ? "" : ISO.format(date.toInstant());
  }

  /** A date of the trail in the report's one form; text that is no date is shown as it is. */
  static String iso(String at) {
    try {
      return at == null ? "" : ISO.format(Instant.parse(at));
    } catch (DateTimeParseException e) {
      return cell(at);
    }
  }

  private static Instant instant(String at) {
    try {
      return at == null ? null : Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
  }
}
