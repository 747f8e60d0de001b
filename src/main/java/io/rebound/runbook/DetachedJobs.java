package io.rebound.runbook;

import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** Hands out detached jobs that know which host this node is on, their work run on the node's {@link DetachedWorkers}. */
@Component
public class DetachedJobs {

  private final JobHost host;
  private final DetachedWorkers workers;

  @Autowired
  public DetachedJobs(NodeProperties properties, DetachedWorkers workers) {
    this(JobHost.of(properties), workers);
  }

  /**
   * Jobs judged from this machine with {@code properties}, their work run on workers of their own, which live as long as
   * the JVM: for work run outside an application.
   */
  public DetachedJobs(NodeProperties properties) {
    this(JobHost.of(properties), new DetachedWorkers());
  }

  /** Jobs judged from {@code host}, their work run on {@code workers}. */
  public DetachedJobs(JobHost host, DetachedWorkers workers) {
    this.host = host;
    this.workers = workers;
  }

  /** The job kept in {@code directory}, as this node sees it. */
  public DetachedProcess at(Path directory) {
    return new DetachedProcess(directory, host);
  }

  /** The work kept in {@code directory}, as this node sees it and runs it. */
  public DetachedWork work(Path directory) {
    return new DetachedWork(directory, host, workers);
  }

  public JobHost host() {
    return host;
  }
}
