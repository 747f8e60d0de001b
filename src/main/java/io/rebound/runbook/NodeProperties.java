package io.rebound.runbook;

import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code rebound.node}: who this node is to the detached jobs of the shared work directory.
 *
 * @param hostId the name this node's host goes by in job directories; the machine's host name unless set
 *     (the host's boot id is recorded beside it, so a rebooted host is not taken for the one that started a job)
 * @param heartbeatInterval how often a running job's wrapper refreshes its heartbeat file
 * @param heartbeatStaleAfter how old a heartbeat may be before the job counts as gone, whichever node looks;
 *     at least three intervals, so that one late beat on a busy host is not taken for a death
 */
@ConfigurationProperties("rebound.node")
public record NodeProperties(
    String hostId,
    @DefaultValue("PT5S") Duration heartbeatInterval,
    @DefaultValue("PT1M") Duration heartbeatStaleAfter) {

  static final Pattern HOST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,252}");

  public NodeProperties {
    if (hostId != null && hostId.isBlank()) {
      hostId = null;
    }
    if (hostId != null && !HOST_ID.matcher(hostId).matches()) {
      throw new IllegalArgumentException("rebound.node.host-id must be letters, digits, '.', '_', ':' or '-' (at most 253), got: "
          + hostId.replaceAll("[^\\p{Print}]", "?"));
    }
    if (heartbeatInterval == null || heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException("rebound.node.heartbeat-interval must be positive");
    }
    if (heartbeatStaleAfter == null || heartbeatStaleAfter.compareTo(heartbeatInterval.multipliedBy(3)) < 0) {
      throw new IllegalArgumentException("rebound.node.heartbeat-stale-after must be at least three heartbeat intervals ("
          + heartbeatInterval.multipliedBy(3) + "), got " + heartbeatStaleAfter);
    }
  }
}
