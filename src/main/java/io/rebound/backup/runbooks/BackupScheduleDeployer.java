package io.rebound.backup.runbooks;

import io.rebound.backup.runbooks.BackupSchedules.Schedule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * Deploys a process per configured schedule (see {@link BackupSchedules}): the database-backup model whose start event
 * is the schedule's timer ({@code database-backup.<type>.<target>}, the engine takes one timer start event per
 * process), so Cockpit shows each schedule as a timer job and the engine starts the runs: no cron, no sleeping
 * thread. Users cannot deploy (the command guard refuses it); Rebound does this itself at start, and only for a
 * schedule whose model differs from its newest deployed one. A new version replaces the timer of the one before; the
 * process of a schedule no longer configured is suspended, which stops its timer.
 */
@Component
class BackupScheduleDeployer {

  static final String DEPLOYMENT_NAME = "rebound-backup-schedules";
  private static final Logger LOG = LoggerFactory.getLogger(BackupScheduleDeployer.class);
  private static final String START = DatabaseBackupProcess.Elements.START;

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
    Map<String, byte[]> changed = new LinkedHashMap<>();
    for (Schedule schedule : all) {
      byte[] model = scheduleModel(original, schedule);
      ProcessDefinition latest = latest(schedule.processKey());
      if (latest == null || latest.isSuspended() || !Arrays.equals(deployed(latest), model)) {
        changed.put(schedule.processKey() + ".bpmn", model);
      }
    }
    if (!changed.isEmpty()) {
      DeploymentBuilder deployment = repository.createDeployment().name(DEPLOYMENT_NAME).source("rebound");
      changed.forEach((name, model) -> deployment.addInputStream(name, new ByteArrayInputStream(model)));
      deployment.deploy();
      LOG.info("Deployed backup schedules {}", changed.keySet());
    }
    Set<String> wanted = all.stream().map(Schedule::processKey).collect(Collectors.toSet());
    for (ProcessDefinition retired : repository.createProcessDefinitionQuery().processDefinitionKeyLike(DatabaseBackupProcess.KEY + ".%")
        .latestVersion().list()) {
      if (wanted.contains(retired.getKey())) {
        continue;
      }
      // Its runs under way are still runs of the runbook: listed, followed and ended as any other.
      schedules.retire(retired.getKey());
      if (!retired.isSuspended()) {
        repository.updateProcessDefinitionSuspensionState().byProcessDefinitionKey(retired.getKey()).suspend();
        LOG.info("Backup schedule {} is no longer configured: its process is suspended, its timer stopped", retired.getKey());
      }
    }
  }

  /**
   * The database-backup model as the process of one schedule: its own key and name, and the schedule's timer as its
   * start event (no start form: nobody fills one in).
   */
  static byte[] scheduleModel(byte[] original, Schedule schedule) {
    String xml = new String(original, StandardCharsets.UTF_8);
    String process = "<bpmn:process id=\"" + DatabaseBackupProcess.KEY + "\" name=\"Database backup\"";
    String start = "<bpmn:startEvent id=\"" + START + "\" name=\"Backup requested\" camunda:formRef=\"database-backup-start\""
        + " camunda:formRefBinding=\"deployment\">";
    String outgoing = "<bpmn:outgoing>Flow_ToWhat</bpmn:outgoing>";
    require(xml, process);
    require(xml, start + "\n      " + outgoing);
    String timer = "<bpmn:startEvent id=\"" + START + "\" name=\"" + schedule.name() + "\">\n      " + outgoing + "\n"
        + "      <bpmn:timerEventDefinition id=\"TimerEventDefinition_Schedule\">\n"
        + "        <bpmn:timeCycle xsi:type=\"bpmn:tFormalExpression\">" + schedule.timeCycle() + "</bpmn:timeCycle>\n"
        + "      </bpmn:timerEventDefinition>";
    String model = xml.replace(process, "<bpmn:process id=\"" + schedule.processKey() + "\" name=\"" + schedule.name() + " (schedule)\"")
        .replace(start + "\n      " + outgoing, timer)
        .replace("bpmnElement=\"" + DatabaseBackupProcess.KEY + "\"", "bpmnElement=\"" + schedule.processKey() + "\"")
        .replace(START, schedule.eventId());
    // Parsed and checked here, so a model the engine would refuse stops the start with its reason.
    Bpmn.validateModel(Bpmn.readModelFromStream(new ByteArrayInputStream(model.getBytes(StandardCharsets.UTF_8))));
    return model.getBytes(StandardCharsets.UTF_8);
  }

  private static void require(String xml, String part) {
    if (!xml.contains(part)) {
      throw new IllegalStateException(DatabaseBackupProcess.RESOURCE + " no longer holds " + part + ": the schedules cannot be built");
    }
  }

  private ProcessDefinition latest(String key) {
    return repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion().singleResult();
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
