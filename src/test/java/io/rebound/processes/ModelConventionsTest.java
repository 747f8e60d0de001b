package io.rebound.processes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaFailedJobRetryTimeCycle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model in {@code processes/} keeps the house rules: its forms exist, Camunda Modeler can draw it,
 * IDs say what they are, and every step that touches a target is async with a retry cycle.
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
