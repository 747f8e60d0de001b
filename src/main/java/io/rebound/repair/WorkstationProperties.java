package io.rebound.repair;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code rebound.workstations.<id>.*}: the replication workstations Rebound may repair.
 *
 * @param workstations by id
 */
@ConfigurationProperties("rebound")
public record WorkstationProperties(Map<String, Settings> workstations) {

  public WorkstationProperties {
    workstations = workstations == null ? Map.of() : Map.copyOf(workstations);
  }

  /**
   * @param target the configured target ({@code rebound.targets.<name>}) holding the workstation's database
   * @param workingDirectory its working directory ({@code in/}, {@code out/}, the repair mark)
   * @param mailbox its prefix in the object store ({@code rebound.storage.s3}) where the server meets it
   * @param retransmissionWait how long the repair waits between looks for replicas asked for again
   * @param retransmissionGiveUp how long it waits for them in all before it raises an incident
   * @param approval whether a repair waits for a second person's approval; false only for unattended sites
   */
  public record Settings(
      String target,
      Path workingDirectory,
      String mailbox,
      @DefaultValue("PT1M") Duration retransmissionWait,
      @DefaultValue("PT24H") Duration retransmissionGiveUp,
      @DefaultValue("true") boolean approval) {}
}
