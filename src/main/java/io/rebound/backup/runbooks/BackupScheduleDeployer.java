package io.rebound.backup.runbooks;

import io.rebound.backup.runbooks.BackupSchedules.Schedule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.TimeCycle;
import org.camunda.bpm.model.bpmn.instance.TimerEventDefinition;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnPlane;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.dc.Bounds;
import org.camunda.bpm.model.bpmn.instance.di.Waypoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * Deploys the database-backup model with a timer start event per configured schedule (see {@link BackupSchedules}),
 * so Cockpit shows each as a timer job and the engine starts the runs: no cron, no sleeping thread. Users cannot
 * deploy (the command guard refuses it); Rebound does this itself at start, and only when the model it would deploy
 * differs from the newest deployed one. A new version replaces the timers of the one before, so a schedule changed
 * or removed in the configuration takes effect at the next start.
 */
@Component
class BackupScheduleDeployer {

  static final String DEPLOYMENT_NAME = "rebound-backup-schedules";
  private static final Logger LOG = LoggerFactory.getLogger(BackupScheduleDeployer.class);
  private static final int ROW = 60;
  private static final int FIRST_ROW_Y = 560;

  private final RepositoryService repository;
  private final BackupSchedules schedules;

  BackupScheduleDeployer(RepositoryService repository, BackupSchedules schedules) {
    this.repository = repository;
    this.schedules = schedules;
  }

  @EventListener(ApplicationReadyEvent.class)
  @Order(1)
  void deploy() {
    List<Schedule> all = schedules.all();
    byte[] original = classpath(DatabaseBackupProcess.RESOURCE);
    byte[] desired = all.isEmpty() ? original : withSchedules(original, all);
    ProcessDefinition latest = repository.createProcessDefinitionQuery().processDefinitionKey(DatabaseBackupProcess.KEY).latestVersion()
        .singleResult();
    if (latest != null && Arrays.equals(deployed(latest), desired)) {
      return;
    }
    repository.createDeployment().name(DEPLOYMENT_NAME).source("rebound")
        .addInputStream("database-backup.bpmn", new ByteArrayInputStream(desired))
        .addInputStream("database-backup-start.form", new ByteArrayInputStream(classpath(DatabaseBackupProcess.START_FORM)))
        .deploy();
    LOG.info("Deployed the database-backup model with {} schedules: {}", all.size(),
        all.stream().map(schedule -> schedule.eventId() + " " + schedule.timeCycle()).toList());
  }

  /** The model with a timer start event per schedule, each flowing into the gateway that reads what to do. */
  static byte[] withSchedules(byte[] model, List<Schedule> schedules) {
    BpmnModelInstance instance = Bpmn.readModelFromStream(new ByteArrayInputStream(model));
    Process process = instance.getModelElementById(DatabaseBackupProcess.KEY);
    ExclusiveGateway gateway = instance.getModelElementById(DatabaseBackupProcess.Elements.WHAT);
    BpmnPlane plane = instance.getModelElementsByType(BpmnPlane.class).iterator().next();
    int row = 0;
    for (Schedule schedule : schedules) {
      StartEvent start = instance.newInstance(StartEvent.class);
      start.setId(schedule.eventId());
      start.setName(schedule.name());
      TimerEventDefinition timer = instance.newInstance(TimerEventDefinition.class);
      timer.setId("TimerEventDefinition_" + schedule.eventId().substring("StartEvent_".length()));
      TimeCycle cycle = instance.newInstance(TimeCycle.class);
      cycle.setTextContent(schedule.timeCycle());
      timer.setTimeCycle(cycle);
      start.getEventDefinitions().add(timer);
      process.addChildElement(start);
      SequenceFlow flow = instance.newInstance(SequenceFlow.class);
      flow.setId("Flow_" + schedule.eventId().substring("StartEvent_".length()));
      process.addChildElement(flow);
      connect(flow, start, gateway);
      int y = FIRST_ROW_Y + row++ * ROW;
      plane.addChildElement(shape(instance, start, 152, y));
      plane.addChildElement(edge(instance, flow, new int[][] {{188, y + 18}, {230, y + 18}, {230, 230}, {250, 230}}));
    }
    Bpmn.validateModel(instance);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Bpmn.writeModelToStream(out, instance);
    return out.toByteArray();
  }

  private static void connect(SequenceFlow flow, FlowNode from, FlowNode to) {
    flow.setSource(from);
    flow.setTarget(to);
    from.getOutgoing().add(flow);
    to.getIncoming().add(flow);
  }

  private static BpmnShape shape(BpmnModelInstance instance, StartEvent start, int x, int y) {
    BpmnShape shape = instance.newInstance(BpmnShape.class);
    shape.setId(start.getId() + "_di");
    shape.setBpmnElement(start);
    Bounds bounds = instance.newInstance(Bounds.class);
    bounds.setX(x);
    bounds.setY(y);
    bounds.setWidth(36);
    bounds.setHeight(36);
    shape.setBounds(bounds);
    return shape;
  }

  private static BpmnEdge edge(BpmnModelInstance instance, SequenceFlow flow, int[][] points) {
    BpmnEdge edge = instance.newInstance(BpmnEdge.class);
    edge.setId(flow.getId() + "_di");
    edge.setBpmnElement(flow);
    for (int[] point : points) {
      Waypoint waypoint = instance.newInstance(Waypoint.class);
      waypoint.setX(point[0]);
      waypoint.setY(point[1]);
      edge.getWaypoints().add(waypoint);
    }
    return edge;
  }

  private byte[] deployed(ProcessDefinition definition) {
    try (InputStream in = repository.getResourceAsStream(definition.getDeploymentId(), definition.getResourceName())) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] classpath(String resource) {
    try (InputStream in = new ClassPathResource(resource).getInputStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("the model " + resource + " is not in the classpath", e);
    }
  }
}
