package io.rebound.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.runbook.DetachedProcess.Status;
import io.rebound.runbook.JobStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A physical job as the runbooks see it, made from a detached job's status in one place. */
class PhysicalJobTest {

  static final Path LOG = Path.of("/work/backups/job-1/log");

  private static JobStatus status(Status status, String result, String progress) {
    return new JobStatus(status, null, result, status == Status.FAILED ? "disk full" : null, progress, LOG, "node-a", false);
  }

  @Test
  void shouldReadAJobWhoseNodeEndedWithoutFinishingAsRunningForTheNextCallToTakeAgain() {
    PhysicalJob<String> job = PhysicalJob.of(status(Status.VANISHED, null, "copying base/1"), text -> text);

    assertThat(job.state()).isEqualTo(PhysicalJob.State.RUNNING);
    assertThat(job.isDone()).isFalse();
    assertThat(job.progress()).isEqualTo("stopped without finishing (its node ended); the next call takes it again");
    assertThat(job.host()).isEqualTo("node-a");
    assertThat(job.log()).isEqualTo(LOG);
  }

  @Test
  void shouldCarryASucceededJobsResultAndNoneOtherwise() {
    PhysicalJob<String> succeeded = PhysicalJob.of(status(Status.SUCCEEDED, "{\"id\":1}", "done"), text -> "read " + text);
    PhysicalJob<String> failed = PhysicalJob.of(status(Status.FAILED, null, "copying"), text -> "read " + text);
    PhysicalJob<String> running = PhysicalJob.of(status(Status.RUNNING, null, "copying"), text -> "read " + text);
    PhysicalJob<String> none = PhysicalJob.of(status(Status.NOT_STARTED, null, null), text -> "read " + text);

    assertThat(succeeded.state()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(succeeded.result()).isEqualTo("read {\"id\":1}");
    assertThat(succeeded.isDone()).isTrue();
    assertThat(failed.state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(failed.result()).isNull();
    assertThat(failed.failure()).isEqualTo("disk full");
    assertThat(failed.isDone()).isTrue();
    assertThat(running.state()).isEqualTo(PhysicalJob.State.RUNNING);
    assertThat(running.progress()).isEqualTo("copying");
    assertThat(running.result()).isNull();
    assertThat(none.state()).isEqualTo(PhysicalJob.State.NOT_STARTED);
    assertThat(none.isDone()).isFalse();
  }

  @Test
  void shouldNameTheJobDirectoryWhenASucceededJobsResultCannotBeRead() {
    assertThatThrownBy(() -> PhysicalJob.of(status(Status.SUCCEEDED, "not json", null), text -> {
      throw new IOException("bad");
    })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("/work/backups/job-1");
  }

  @Test
  void shouldCarryTheEndOfAJobRunningHereSoThatItsStepCanGoOnAtOnce() {
    CompletableFuture<Void> end = new CompletableFuture<>();
    JobStatus here = new JobStatus(Status.RUNNING, null, null, null, "copying", LOG, "node-a", false, Optional.of(end));

    PhysicalJob<String> running = PhysicalJob.of(here, text -> text);
    PhysicalJob<String> elsewhere = PhysicalJob.of(status(Status.RUNNING, null, "copying"), text -> text);

    assertThat(running.whenEnded()).containsSame(end);
    assertThat(elsewhere.whenEnded()).isEmpty();
    assertThat(new PhysicalJob<String>(PhysicalJob.State.RUNNING, null, null, null, null, null, false, null).whenEnded()).isEmpty();
  }
}
