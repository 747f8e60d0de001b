package io.rebound.runbook;

import java.nio.file.Path;
import org.springframework.stereotype.Component;

/** Hands out detached jobs that know which host this node is on. */
@Component
public class DetachedJobs {

  private final JobHost host;

  public DetachedJobs(NodeProperties properties) {
    this.host = JobHost.of(properties);
  }

  /** The job kept in {@code directory}, as this node sees it. */
  public DetachedProcess at(Path directory) {
    return new DetachedProcess(directory, host);
  }

  public JobHost host() {
    return host;
  }
}
