package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.compare.ComparisonRuns;
import io.rebound.compare.ComparisonStore;
import io.rebound.compare.TableCompareProcess;
import io.rebound.runbook.Runbook;
import io.rebound.runbook.RunVariables;
import io.rebound.runbook.Runbooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.exception.NullValueException;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricDetail;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstanceQuery;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.history.HistoricVariableUpdate;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.IntermediateCatchEvent;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.springframework.stereotype.Component;

/**
 * Every run of every registered runbook, as the current user may see it: read from the engine's history with
 * the caller's authorizations, and from the audit trail (what was asked, the plan, the decision). Nothing here
 * knows a runbook by name: a runbook registered later shows as soon as it runs.
 */
@Component
class Runs {

  /** At most this many runs are looked at for one page of a filtered list (newest first). */
  static final int SCAN_LIMIT = 5000;
  private static final int PAGE_READ = 200;
  private static final List<String> STEP_TYPES = List.of("serviceTask", "userTask", "callActivity", "scriptTask", "sendTask",
      "receiveTask", "businessRuleTask", "manualTask", "task");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Filters of the runs list; null means any. */
  record Filter(String runbook, String state, String target, String requester) {}

  /** A step being tried again by the engine after it failed, before its retries run out. */
  record Retry(String step, int attempt, int retriesLeft, String lastError, Date nextAttemptAt) {}

  /** One run in the list. */
  record Run(
      String id,
      String runbook,
      String runbookTitle,
      String state,
      String target,
      JsonNode inputs,
      String requester,
      String approver,
      Date startTime,
      Date endTime,
      Long durationSeconds,
      List<String> currentStep,
      Integer progress,
      Date eta,
      Retry retry,
      String incident,
      String failureReason,
      Map<String, String> links) {}

  /** A page of runs. */
  record Page(List<Run> runs, int page, int size, boolean more) {}

  /** A step of the timeline: every pass through one element of the model, first start to last end. */
  record Step(String name, String type, Date started, Date ended, Long durationSeconds, int passes, String outcome) {}

  /** The approval as its decision was recorded. */
  record Decision(String decision, String by, String at, String comment, String planHash) {}

  /** An open incident, with where to look at it in Cockpit. */
  record IncidentView(String id, String step, String message, Date since, String jobId, boolean retryAllowed, String cockpit) {}

  /** A run started by this one (a comparison called by a restore). */
  record CalledRun(String id, String runbook, String state, Map<String, String> links) {}

  /** One run with everything the console's detail page shows. */
  record Detail(
      Run run,
      List<Step> timeline,
      String plan,
      String planHash,
      Decision approval,
      String approvalTask,
      List<IncidentView> incidents,
      List<CalledRun> calledRuns,
      Map<String, Object> comparison,
      List<ToolLogs.ToolLog> toolLogs,
      boolean cancellable) {}

  private final HistoryService history;
  private final RuntimeService runtime;
  private final TaskService tasks;
  private final ManagementService management;
  private final Runbooks runbooks;
  private final AuditTrail audit;
  private final ComparisonStore comparisons;
  private final ComparisonRuns comparisonRuns;
  private final ToolLogs toolLogs;
  private final RepositoryService repository;
  /** Deployed models never change: read once per definition. */
  private final Map<String, BpmnModelInstance> models = new ConcurrentHashMap<>();

  Runs(HistoryService history, RuntimeService runtime, TaskService tasks, ManagementService management, Runbooks runbooks,
      AuditTrail audit, ComparisonStore comparisons, ComparisonRuns comparisonRuns, ToolLogs toolLogs, RepositoryService repository) {
    this.comparisonRuns = comparisonRuns;
    this.toolLogs = toolLogs;
    this.repository = repository;
    this.history = history;
    this.runtime = runtime;
    this.tasks = tasks;
    this.management = management;
    this.runbooks = runbooks;
    this.audit = audit;
    this.comparisons = comparisons;
  }

  /** Runs newest first, filtered, one page of them. */
  Page list(Filter filter, int page, int size) {
    List<String> keys = filter.runbook() == null ? runbooks.keys()
        : runbooks.find(filter.runbook()).map(r -> r.key().equals(filter.runbook()) ? r.processKeys() : List.of(filter.runbook())).orElse(List.of());
    if (keys.isEmpty()) {
      return new Page(List.of(), page, size, false);
    }
    int skip = page * size;
    List<Run> found = new ArrayList<>();
    boolean more = false;
    for (int first = 0; first < SCAN_LIMIT && !more; first += PAGE_READ) {
      HistoricProcessInstanceQuery query = history.createHistoricProcessInstanceQuery().processDefinitionKeyIn(keys.toArray(String[]::new));
      if (filter.requester() != null) {
        // The requester the core records on every run, not the engine's start user: that is empty for a run a
        // schedule started and for a comparison a restore called, whose requester is the schedule or the restore's.
        query.variableValueEquals(RunVariables.REQUESTER, filter.requester());
      }
      if (filter.state() != null) {
        boolean going = filter.state().equals(Recoveries.State.RUNNING.name()) || filter.state().equals(Recoveries.State.WAITING_FOR_APPROVAL.name());
        // An open incident reads FAILED while the run is not finished.
        if (going) {
          query.unfinished();
        } else if (!filter.state().equals(Recoveries.State.FAILED.name())) {
          query.finished();
        }
      }
      List<HistoricProcessInstance> batch = query.orderByProcessInstanceStartTime().desc().listPage(first, PAGE_READ);
      for (HistoricProcessInstance instance : batch) {
        Optional<Run> run = view(instance, filter);
        if (run.isEmpty()) {
          continue;
        }
        if (skip > 0) {
          skip--;
        } else if (found.size() < size) {
          found.add(run.get());
        } else {
          more = true;
          break;
        }
      }
      if (batch.size() < PAGE_READ) {
        break;
      }
    }
    return new Page(found, page, size, more);
  }

  /** A run of any runbook as the engine's history shows it to the caller. */
  Optional<HistoricProcessInstance> instance(String id) {
    return Optional.ofNullable(history.createHistoricProcessInstanceQuery().processInstanceId(id)
        .processDefinitionKeyIn(runbooks.keys().toArray(String[]::new)).singleResult());
  }

  Optional<Run> get(String id) {
    return instance(id).flatMap(this::of);
  }

  /** One run of a registered runbook as the list shows it; empty for a process that is no runbook. */
  Optional<Run> of(HistoricProcessInstance instance) {
    return view(instance, new Filter(null, null, null, null));
  }

  /** Everything about one run; {@code retryAllowed}, {@code caller} and {@code admin} decide what the caller is offered. */
  Optional<Detail> detail(String id, boolean retryAllowed, String caller, boolean admin) {
    Optional<HistoricProcessInstance> found = instance(id);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    HistoricProcessInstance instance = found.get();
    Optional<Run> viewed = view(instance, new Filter(null, null, null, null));
    if (viewed.isEmpty()) {
      return Optional.empty();
    }
    Run run = viewed.get();
    List<AuditEvent> events = audit.events(id);
    String plan = null;
    String planHash = null;
    Decision decision = null;
    for (AuditEvent event : events) {
      if (is(event, AuditEventType.PLAN_COMPUTED) || is(event, AuditEventType.PLAN_CHANGED)) {
        JsonNode details = details(event);
        plan = text(details, "plan");
        planHash = text(details, "planHash");
      } else if (is(event, AuditEventType.APPROVED) || is(event, AuditEventType.REJECTED)) {
        JsonNode details = details(event);
        decision = new Decision(event.type(), event.actor(), event.at(), text(details, "comment"), text(details, "planHash"));
      }
    }
    String approvalTask = null;
    if (run.state().equals(Recoveries.State.WAITING_FOR_APPROVAL.name())) {
      Runbook<?> runbook = runbooks.get(instance.getProcessDefinitionKey());
      String taskKey = runbook.approval().map(a -> a.taskId()).orElse(null);
      Task task = taskKey == null ? null : tasks.createTaskQuery().processInstanceId(id).taskDefinitionKey(taskKey).singleResult();
      approvalTask = task == null ? null : "/camunda/app/tasklist/default/#/?task=" + task.getId();
    }
    List<Incident> open = instance.getEndTime() == null ? runtime.createIncidentQuery().processInstanceId(id).list() : List.of();
    List<IncidentView> incidents = open.stream().map(i -> new IncidentView(i.getId(), stepName(instance.getProcessDefinitionId(), i.getActivityId()),
        i.getIncidentMessage(), i.getIncidentTimestamp(), i.getConfiguration(), retryAllowed,
        "/camunda/app/cockpit/default/#/process-instance/" + id + "/runtime?tab=incidents-tab")).toList();
    List<CalledRun> called = history.createHistoricProcessInstanceQuery().superProcessInstanceId(id).list().stream()
        .map(c -> view(c, new Filter(null, null, null, null)).orElse(null)).filter(c -> c != null)
        .map(c -> new CalledRun(c.id(), c.runbook(), c.state(), Map.of("self", "/api/runs/" + c.id()))).toList();
    Object comparisonId = variable(id, TableCompareProcess.Variables.COMPARISON_ID);
    Map<String, Object> comparison = comparisonId == null ? null
        : comparisonRuns.standing(comparisonId.toString()).map(ComparisonController::report).orElse(null);
    boolean cancellable = CancelRule.check(caller, admin, Optional.ofNullable(run.requester()), run.state()).isEmpty();
    return Optional.of(new Detail(run, timeline(id, open), plan, planHash, decision, approvalTask, incidents, called, comparison,
        toolLogs.of(id, run.runbook(), run.target()), cancellable));
  }

  /** The run as the list shows it, or empty when it does not pass the filter. */
  private Optional<Run> view(HistoricProcessInstance instance, Filter filter) {
    String id = instance.getId();
    Runbook<?> runbook = runbooks.find(instance.getProcessDefinitionKey()).orElse(null);
    if (runbook == null) {
      return Optional.empty();
    }
    AuditEvent requested = audit.latest(id, AuditEventType.REQUESTED).orElse(null);
    JsonNode request = requested == null ? null : details(requested).path("request");
    String target = target(request);
    if (filter.target() != null && !filter.target().equals(target)) {
      return Optional.empty();
    }
    String requester = requested != null ? requested.actor() : instance.getStartUserId();
    String state;
    List<String> current = List.of();
    String incident = null;
    Retry retry = null;
    Object failure = variable(id, RunVariables.FAILURE_REASON);
    String failureReason = failure == null ? null : failure.toString();
    if (instance.getEndTime() != null) {
      state = switch (instance.getState()) {
        case HistoricProcessInstance.STATE_COMPLETED -> runbook.outcome(instance.getEndActivityId()).name();
        case HistoricProcessInstance.STATE_EXTERNALLY_TERMINATED, HistoricProcessInstance.STATE_INTERNALLY_TERMINATED ->
            Recoveries.State.CANCELLED.name();
        default -> Recoveries.State.FAILED.name();
      };
      if (state.equals(Recoveries.State.CANCELLED.name()) && failureReason == null) {
        failureReason = "run was cancelled: " + instance.getDeleteReason();
      }
      if (state.equals(Recoveries.State.REJECTED.name()) && failureReason == null) {
        failureReason = audit.latest(id, AuditEventType.REJECTED).map(e -> text(details(e), "comment")).filter(c -> !c.isBlank())
            .map(c -> "rejected: " + c).orElse(null);
      }
    } else {
      List<String> active;
      try {
        active = runtime.getActiveActivityIds(id);
      } catch (NullValueException ended) {
        // The run ended between the two looks: its history now says how.
        return view(history.createHistoricProcessInstanceQuery().processInstanceId(id).singleResult(), filter);
      }
      current = currentSteps(id, instance.getProcessDefinitionId(), active);
      List<Incident> incidents = runtime.createIncidentQuery().processInstanceId(id).list();
      boolean waiting = runbook.approval().map(a -> active.contains(a.taskId())).orElse(false);
      if (!incidents.isEmpty()) {
        Incident first = incidents.get(0);
        incident = stepName(instance.getProcessDefinitionId(), first.getActivityId()) + ": " + first.getIncidentMessage();
        state = Recoveries.State.FAILED.name();
      } else {
        state = waiting ? Recoveries.State.WAITING_FOR_APPROVAL.name() : Recoveries.State.RUNNING.name();
        retry = retry(id, instance.getProcessDefinitionId());
      }
    }
    if (filter.state() != null && !filter.state().equals(state)) {
      return Optional.empty();
    }
    Integer progress = variable(id, RunVariables.PROGRESS) instanceof Number n ? n.intValue() : null;
    Date eta = instance.getEndTime() == null && progress != null ? eta(id, Instant.now()).orElse(null) : null;
    if (progress == null) {
      // A comparison reports its progress in its tables' chunks, not in a variable.
      Object comparisonId = variable(id, TableCompareProcess.Variables.COMPARISON_ID);
      List<ComparisonStore.TableRow> tables = comparisonId == null ? List.of() : comparisons.tables(comparisonId.toString());
      long total = tables.stream().mapToLong(ComparisonStore.TableRow::chunksTotal).sum();
      if (total > 0) {
        progress = (int) (100 * tables.stream().mapToLong(ComparisonStore.TableRow::chunksDone).sum() / total);
        eta = instance.getEndTime() != null ? null : chunksEta(tables, Instant.now());
      }
    }
    String approver = audit.latest(id, AuditEventType.APPROVED).or(() -> audit.latest(id, AuditEventType.REJECTED))
        .map(AuditEvent::actor).orElse(null);
    Date end = instance.getEndTime();
    Long duration = Duration.between(instance.getStartTime().toInstant(), end == null ? Instant.now() : end.toInstant()).toSeconds();
    Map<String, String> links = new LinkedHashMap<>();
    links.put("self", "/api/runs/" + id);
    links.put("audit", "/api/recoveries/" + id + "/audit");
    links.put("report", "/api/recoveries/" + id + "/audit?format=md");
    links.put("cockpit", "/camunda/app/cockpit/default/#/process-instance/" + id + "/runtime");
    return Optional.of(new Run(id, runbook.key(), runbook.title(), state, target, summary(request), requester, approver,
        instance.getStartTime(), end, duration, current, progress, eta, retry, incident, failureReason, links));
  }

  /**
   * The steps a run is in, by the model's names. A run between two polls of a job waits on a timer: it is in the
   * step that last looked, waiting to look again.
   */
  private List<String> currentSteps(String id, String processDefinitionId, List<String> active) {
    BpmnModelInstance model = models.computeIfAbsent(processDefinitionId, repository::getBpmnModelInstance);
    List<String> steps = new ArrayList<>();
    boolean waitingOnATimer = false;
    for (String activityId : active) {
      if (model != null && model.getModelElementById(activityId) instanceof IntermediateCatchEvent) {
        waitingOnATimer = true;
      } else {
        steps.add(stepName(processDefinitionId, activityId));
      }
    }
    if (steps.isEmpty() && waitingOnATimer) {
      history.createHistoricActivityInstanceQuery().processInstanceId(id).finished().orderByHistoricActivityInstanceEndTime().desc()
          .listPage(0, 10).stream().filter(a -> STEP_TYPES.contains(a.getActivityType())).findFirst()
          .ifPresent(last -> steps.add(name(last) + " (waiting to look again)"));
    }
    return steps.stream().distinct().toList();
  }

  /**
   * The target a run acts on: its request's {@code target}, or the {@code destination} of one that writes nothing,
   * at the top of the request or in an object of it (a comparison's request holds its comparison).
   */
  static String target(JsonNode request) {
    if (request == null) {
      return null;
    }
    String found = targetField(request);
    for (Iterator<JsonNode> fields = request.elements(); found == null && fields.hasNext(); ) {
      JsonNode field = fields.next();
      found = field.isObject() ? targetField(field) : null;
    }
    return found;
  }

  private static String targetField(JsonNode node) {
    for (String field : List.of("target", "destination")) {
      JsonNode value = node.get(field);
      if (value != null && value.isTextual()) {
        return value.asText();
      }
    }
    return null;
  }

  /** The request as the trail recorded it (secrets already masked there), long texts and lists cut short for a list view. */
  static JsonNode summary(JsonNode request) {
    if (request == null || !request.isObject()) {
      return null;
    }
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    request.fields().forEachRemaining(field -> summary.set(field.getKey(), shorten(field.getValue(), 2)));
    return summary;
  }

  private static JsonNode shorten(JsonNode value, int depth) {
    if (value.isTextual() && value.asText().length() > 200) {
      return JsonNodeFactory.instance.textNode(value.asText().substring(0, 200) + "…");
    }
    if (value.isArray()) {
      ArrayNode shortened = JsonNodeFactory.instance.arrayNode();
      Iterator<JsonNode> elements = value.elements();
      for (int i = 0; i < 20 && elements.hasNext(); i++) {
        shortened.add(depth > 0 ? shorten(elements.next(), depth - 1) : JsonNodeFactory.instance.textNode("…"));
      }
      if (elements.hasNext()) {
        shortened.add("… " + (value.size() - 20) + " more");
      }
      return shortened;
    }
    if (value.isObject() && depth > 0) {
      ObjectNode shortened = JsonNodeFactory.instance.objectNode();
      value.fields().forEachRemaining(field -> shortened.set(field.getKey(), shorten(field.getValue(), depth - 1)));
      return shortened;
    }
    return value.isObject() ? JsonNodeFactory.instance.textNode("{…}") : value;
  }

  /** A step the engine tries again: its job failed, and retries are left. */
  private Retry retry(String id, String processDefinitionId) {
    for (Job job : management.createJobQuery().processInstanceId(id).withException().list()) {
      if (job.getRetries() > 0) {
        long failures = history.createHistoricJobLogQuery().jobId(job.getId()).failureLog().count();
        String step = history.createHistoricJobLogQuery().jobId(job.getId()).list().stream().map(l -> l.getActivityId())
            .filter(a -> a != null).findFirst().map(a -> stepName(processDefinitionId, a)).orElse(null);
        return new Retry(step, (int) failures + 1, job.getRetries(), job.getExceptionMessage(), job.getDuedate());
      }
    }
    return null;
  }

  /**
   * When a long step should end, at the rate its progress has risen since it last started rising (the runbook
   * reports progress in percent; the engine keeps every update): empty without two distinct points.
   */
  private Optional<Date> eta(String id, Instant now) {
    List<HistoricDetail> updates = history.createHistoricDetailQuery().processInstanceId(id).variableUpdates()
        .orderByTime().asc().list();
    List<long[]> points = new ArrayList<>();
    for (HistoricDetail detail : updates) {
      if (detail instanceof HistoricVariableUpdate update && RunVariables.PROGRESS.equals(update.getVariableName())
          && update.getValue() instanceof Number percent) {
        points.add(new long[] {update.getTime().getTime(), percent.longValue()});
      }
    }
    return Eta.estimate(points, now.toEpochMilli()).map(Date::new);
  }

  /**
   * The model's name of an element. From the model, not the history: a step whose job failed before it began (an
   * asynchronous continuation, rolled back) has no activity instance yet.
   */
  /** When the slowest table still being compared should end, at the pace of its chunks so far. */
  private static Date chunksEta(List<ComparisonStore.TableRow> tables, Instant now) {
    Instant latest = null;
    for (ComparisonStore.TableRow table : tables) {
      if (table.status() == ComparisonStore.Status.RUNNING && table.startedAt() != null && table.chunksDone() > 0) {
        long perChunk = Duration.between(table.startedAt(), now).toMillis() / table.chunksDone();
        Instant end = now.plusMillis(perChunk * (table.chunksTotal() - table.chunksDone()));
        latest = latest == null || end.isAfter(latest) ? end : latest;
      }
    }
    return latest == null ? null : Date.from(latest);
  }

  private String stepName(String processDefinitionId, String activityId) {
    if (activityId == null) {
      return null;
    }
    BpmnModelInstance model = models.computeIfAbsent(processDefinitionId, repository::getBpmnModelInstance);
    ModelElementInstance element = model == null ? null : model.getModelElementById(activityId);
    String name = element instanceof FlowElement flow ? flow.getName() : null;
    return name == null || name.isBlank() ? activityId : name;
  }

  private static String name(HistoricActivityInstance activity) {
    return activity.getActivityName() == null || activity.getActivityName().isBlank() ? activity.getActivityId() : activity.getActivityName();
  }

  /** The steps the run went through, in the order they first started, each element's passes folded into one. */
  private List<Step> timeline(String id, List<Incident> incidents) {
    Map<String, List<HistoricActivityInstance>> byActivity = new LinkedHashMap<>();
    for (HistoricActivityInstance activity : history.createHistoricActivityInstanceQuery().processInstanceId(id)
        .orderByHistoricActivityInstanceStartTime().asc().orderPartiallyByOccurrence().asc().list()) {
      if (STEP_TYPES.contains(activity.getActivityType())) {
        byActivity.computeIfAbsent(activity.getActivityId(), k -> new ArrayList<>()).add(activity);
      }
    }
    List<Step> steps = new ArrayList<>();
    for (List<HistoricActivityInstance> passes : byActivity.values()) {
      HistoricActivityInstance first = passes.get(0);
      boolean running = passes.stream().anyMatch(p -> p.getEndTime() == null);
      Date ended = running ? null : passes.stream().map(HistoricActivityInstance::getEndTime).max(Date::compareTo).orElse(null);
      boolean failed = incidents.stream().anyMatch(i -> first.getActivityId().equals(i.getActivityId()));
      String outcome = failed ? "FAILED" : running ? "RUNNING" : passes.stream().allMatch(HistoricActivityInstance::isCanceled) ? "CANCELLED" : "DONE";
      Long duration = Duration.between(first.getStartTime().toInstant(), ended == null ? Instant.now() : ended.toInstant()).toSeconds();
      steps.add(new Step(name(first), first.getActivityType(), first.getStartTime(), ended, duration, passes.size(), outcome));
    }
    return steps;
  }

  private Object variable(String processInstanceId, String name) {
    HistoricVariableInstance variable = history.createHistoricVariableInstanceQuery()
        .processInstanceId(processInstanceId).variableName(name).disableCustomObjectDeserialization().list()
        .stream().findFirst().orElse(null);
    return variable == null ? null : variable.getValue();
  }

  private static boolean is(AuditEvent event, AuditEventType type) {
    return type.name().equals(event.type());
  }

  private static JsonNode details(AuditEvent event) {
    try {
      return event.details() == null ? JsonNodeFactory.instance.objectNode() : JSON.readTree(event.details());
    } catch (Exception e) {
      return JsonNodeFactory.instance.objectNode();
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
