package io.rebound.processes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.compare.TableCompareProcess;
import io.rebound.compare.TableCompareRunbook;
import io.rebound.config.ReboundGroups;
import io.rebound.repair.WorkstationRepairProcess;
import io.rebound.repair.WorkstationRepairRunbook;
import io.rebound.restore.SchemaRestoreProcess;
import io.rebound.restore.SchemaRestoreRunbook;
import io.rebound.runbook.Approval;
import io.rebound.runbook.Runbook;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaFailedJobRetryTimeCycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model in {@code processes/} keeps the house rules: it is a registered runbook whose descriptor
 * matches it, its forms exist, Camunda Modeler can draw it, IDs say what they are, and every step that
 * touches a target is async with a retry cycle.
 */
class ModelConventionsTest {

  private static final String ID_RULE =
      "(StartEvent|EndEvent|Task|UserTask|Gateway|BoundaryEvent|TimerEvent|MessageEvent|CallActivity|SubProcess|Flow|Error|"
          + "ErrorEventDefinition|TimerEventDefinition)_[A-Z][A-Za-z0-9]*";

  static List<Path> models() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("processes"))) {
      return files.filter(f -> f.toString().endsWith(".bpmn")).sorted().toList();
    }
  }

  static Set<String> formIds() throws IOException {
    Set<String> ids = new HashSet<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(Path.of("forms"))) {
      for (Path form : files.filter(f -> f.toString().endsWith(".form")).toList()) {
        JsonNode id = json.readTree(form.toFile()).get("id");
        assertThat(id).as(form + " has an id").isNotNull();
        ids.add(id.asText());
      }
    }
    return ids;
  }

  @ParameterizedTest
  @MethodSource("models")
  void shouldReferenceOnlyFormsThatExist(Path file) throws IOException {
    BpmnModelInstance model = Bpmn.readModelFromFile(file.toFile());
    Set<String> forms = formIds();
    for (UserTask task : model.getModelElementsByType(UserTask.class)) {
      assertThat(forms).as(file + " " + task.getId()).contains(task.getCamundaFormRef());
      assertThat(task.getCamundaFormRefBinding()).isEqualTo("deployment");
    }
    for (StartEvent start : model.getModelElementsByType(StartEvent.class)) {
      if (start.getCamundaFormRef() != null) {
        assertThat(forms).as(file + " " + start.getId()).contains(start.getCamundaFormRef());
      }
    }
  }

  /** The descriptors of every runbook (what the model checks need of them: keys, approval, outcomes). */
  static List<Runbook<?>> runbooks() {
    List<Runbook<?>> runbooks = new java.util.ArrayList<>(List.of(new SchemaRestoreRunbook(null), new TableCompareRunbook(null, null), new WorkstationRepairRunbook(null)));
    runbooks.addAll(io.rebound.backup.runbooks.BackupRunbookDescriptors.all());
    runbooks.addAll(io.rebound.recovery.RecoveryRunbookDescriptors.all());
    return runbooks;
  }

  @Test
  void shouldRegisterEveryModelAsARunbookAndNoOtherRunbook() throws IOException {
    Set<String> processes = new HashSet<>();
    for (Path file : models()) {
      Bpmn.readModelFromFile(file.toFile()).getModelElementsByType(Process.class).forEach(p -> processes.add(p.getId()));
    }
    assertThat(runbooks()).extracting(Runbook::key).containsExactlyInAnyOrderElementsOf(processes);
  }

  @ParameterizedTest
  @MethodSource("runbooks")
  void shouldDescribeEveryEndEventAndTheApprovalOfItsModel(Runbook<?> runbook) {
    BpmnModelInstance model = Bpmn.readModelFromFile(Path.of("processes", runbook.key() + ".bpmn").toFile());
    Set<String> ends = new HashSet<>();
    model.getModelElementsByType(EndEvent.class).stream()
        .filter(end -> end.getParentElement() instanceof Process)
        .forEach(end -> ends.add(end.getId()));
    assertThat(runbook.outcomes().keySet()).as(runbook.key() + " outcomes").containsExactlyInAnyOrderElementsOf(ends);
    List<String> userTasks = model.getModelElementsByType(UserTask.class).stream().map(UserTask::getId).toList();
    if (runbook.approval().isPresent()) {
      assertThat(userTasks).containsExactly(runbook.approval().get().taskId());
      UserTask approval = model.getModelElementById(runbook.approval().get().taskId());
      assertThat(approval.getCamundaCandidateGroups()).isEqualTo(ReboundGroups.APPROVERS);
    } else {
      assertThat(userTasks).as(runbook.key() + " destroys nothing and asks nobody").isEmpty();
    }
  }

  /**
   * Camunda Forms submits only the fields that are not disabled; the run refuses any other variable from an
   * approval, so an approval form whose enabled fields were more than the decision could not be completed.
   */
  @ParameterizedTest
  @MethodSource("runbooks")
  void shouldLetTheApprovalFormSubmitTheDecisionAndNothingElse(Runbook<?> runbook) throws IOException {
    if (runbook.approval().isEmpty()) {
      return;
    }
    BpmnModelInstance model = Bpmn.readModelFromFile(Path.of("processes", runbook.key() + ".bpmn").toFile());
    UserTask approval = model.getModelElementById(runbook.approval().get().taskId());
    JsonNode form = null;
    try (Stream<Path> files = Files.list(Path.of("forms"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".form")).toList()) {
        JsonNode candidate = new ObjectMapper().readTree(file.toFile());
        if (approval.getCamundaFormRef().equals(candidate.get("id").asText())) {
          form = candidate;
        }
      }
    }
    assertThat(form).as(approval.getCamundaFormRef()).isNotNull();
    List<String> submitted = new java.util.ArrayList<>();
    form.findParents("key").forEach(field -> {
      if (!field.path("disabled").asBoolean(false)) {
        submitted.add(field.get("key").asText());
      }
    });
    assertThat(submitted).containsExactlyInAnyOrderElementsOf(Approval.DECISION);
  }

  @ParameterizedTest
  @MethodSource("elementConstants")
  void shouldNameOnlyElementsThatExist(String process, Class<?> constants) throws IllegalAccessException {
    BpmnModelInstance model = Bpmn.readModelFromFile(Path.of("processes", process + ".bpmn").toFile());
    for (Field field : constants.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        String id = (String) field.get(null);
        assertThat((Object) model.getModelElementById(id)).as(constants.getName() + "." + field.getName() + " = " + id).isNotNull();
      }
    }
  }

  static Stream<Arguments> elementConstants() {
    return Stream.of(Arguments.of(SchemaRestoreProcess.KEY, SchemaRestoreProcess.Elements.class),
        Arguments.of(SchemaRestoreProcess.KEY, SchemaRestoreProcess.Errors.class),
        Arguments.of(TableCompareProcess.KEY, TableCompareProcess.Elements.class),
        Arguments.of(TableCompareProcess.KEY, TableCompareProcess.Errors.class),
        Arguments.of(WorkstationRepairProcess.KEY, WorkstationRepairProcess.Elements.class));
  }

  @ParameterizedTest
  @MethodSource("models")
  void shouldDrawEveryElement(Path file) {
    BpmnModelInstance model = Bpmn.readModelFromFile(file.toFile());
    Set<String> drawn = new HashSet<>();
    model.getModelElementsByType(BpmnShape.class).forEach(s -> drawn.add(s.getBpmnElement().getId()));
    model.getModelElementsByType(BpmnEdge.class).forEach(e -> drawn.add(e.getBpmnElement().getId()));
    for (FlowElement element : model.getModelElementsByType(FlowElement.class)) {
      assertThat(drawn).as(file + ": " + element.getId() + " has no diagram shape").contains(element.getId());
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void shouldNameIdsInTheHouseStyle(Path file) {
    BpmnModelInstance model = Bpmn.readModelFromFile(file.toFile());
    for (FlowElement element : model.getModelElementsByType(FlowElement.class)) {
      assertThat(element.getId()).as(file.toString()).matches(ID_RULE);
    }
    for (Process process : model.getModelElementsByType(Process.class)) {
      assertThat(process.getId()).matches("[a-z]+(-[a-z]+)*");
      assertThat(process.getCamundaHistoryTimeToLiveString()).as(process.getId() + " historyTimeToLive").isNotBlank();
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void shouldRunEveryServiceTaskAsyncWithARetryCycle(Path file) {
    BpmnModelInstance model = Bpmn.readModelFromFile(file.toFile());
    for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
      assertThat(task.isCamundaAsyncBefore()).as(task.getId() + " asyncBefore").isTrue();
      assertThat(task.getExtensionElements().getElementsQuery().filterByType(CamundaFailedJobRetryTimeCycle.class).count())
          .as(task.getId() + " failedJobRetryTimeCycle").isEqualTo(1);
      assertThat(task.getCamundaDelegateExpression()).as(task.getId()).matches("\\$\\{[a-z][A-Za-z]*Delegate}");
    }
  }
}
