package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.backup.PhysicalJob;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** A physical job polled as its step polls it, until it ends; what it gave, once it succeeded. */
final class PolledJobs {

  private PolledJobs() {}

  static <T> T succeeded(Supplier<PhysicalJob<T>> poll) {
    AtomicReference<PhysicalJob<T>> last = new AtomicReference<>();
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
      last.set(poll.get());
      return last.get().isDone();
    });
    PhysicalJob<T> job = last.get();
    assertThat(job.state()).as("job failed: %s", job.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    return job.result();
  }
}
