package io.rebound.runbook;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Tells long loops of jobs that the application is stopping. The engine runs a process instance's next
 * job in the same thread when it is created by the job before it, so a loop of chunk jobs would keep the
 * job executor, and the shutdown, busy until the loop ends; a loop that sees this signal yields to a
 * timer instead, which the next start (or another node) picks up.
 */
@Component
public class ShutdownSignal implements SmartLifecycle {

  private volatile boolean running;

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before everything else, the engine's job executor among it. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }

  public boolean stopping() {
    return !running;
  }
}
