package io.rebound.backup.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rebound.backup.oracle.RmanInvocation.Invocation;
import io.rebound.backup.oracle.RmanInvocation.Poll;
import io.rebound.runbook.DetachedProcess;
import io.rebound.runbook.JobRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RmanInvocationTest {

  static final Path JOB = Path.of("/srv/rebound/backup-work/jobs/b1");

  @Test
  void shouldRunRmanWithOperatingSystemAuthenticationByDefault() {
    Invocation invocation = RmanInvocation.of(null, Map.of(), JOB, "RUN {}\n");

    assertThat(invocation.command()).containsExactly("rman", "target", "/", "cmdfile=/srv/rebound/backup-work/jobs/b1/rman.cmd",
        "log=/srv/rebound/backup-work/jobs/b1/rman.log");
    assertThat(invocation.files()).containsExactly(Map.entry("rman.cmd", "RUN {}\n"));
    assertThat(RmanInvocation.of(List.of(), Map.of(), JOB, "x").command()).startsWith("rman", "target", "/");
  }

  @Test
  void shouldRunTheRmanOfTheTargetsOracleHomeWithItsEnvironmentInAmericanAndAFixedDateFormat() {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("ORACLE_HOME", "/u01/app/oracle/product/19.0.0/dbhome_1");
    environment.put("ORACLE_SID", "ORCL");
    environment.put("NLS_LANG", "BRAZILIAN PORTUGUESE_BRAZIL.WE8MSWIN1252");
    environment.put("NLS_DATE_FORMAT", "DD/MM/RR");
    Invocation invocation = RmanInvocation.of(List.of("rman", "target", "/"), environment, JOB, "x");

    assertThat(invocation.command().get(0)).isEqualTo("/u01/app/oracle/product/19.0.0/dbhome_1/bin/rman");
    assertThat(invocation.environment()).containsEntry("ORACLE_SID", "ORCL")
        .containsEntry("NLS_LANG", "AMERICAN_AMERICA.WE8MSWIN1252")
        .containsEntry("NLS_DATE_FORMAT", "YYYY-MM-DD HH24:MI:SS");
    assertThat(RmanInvocation.environment(Map.of()).get("NLS_LANG")).isEqualTo("AMERICAN_AMERICA.AL32UTF8");
    assertThat(RmanInvocation.environment(Map.of("NLS_LANG", "AMERICAN")).get("NLS_LANG")).isEqualTo("AMERICAN_AMERICA.AL32UTF8");
    assertThat(RmanInvocation.environment(Map.of("NLS_LANG", ".UTF8")).get("NLS_LANG")).isEqualTo("AMERICAN_AMERICA.UTF8");
  }

  @Test
  void shouldKeepAConfiguredProgramPathAndWalletConnection() {
    Invocation invocation = RmanInvocation.of(List.of("/opt/oracle/bin/rman", "target", "/@prod_wallet"),
        Map.of("ORACLE_HOME", "/u01/home"), JOB, "x");
    assertThat(invocation.command()).startsWith("/opt/oracle/bin/rman", "target", "/@prod_wallet");

    Invocation remote = RmanInvocation.of(List.of("ssh", "oracle@dbhost", "rman", "target", "/"), Map.of("ORACLE_HOME", "/u01/home"), JOB, "x");
    assertThat(remote.command()).startsWith("ssh", "oracle@dbhost", "rman", "target", "/");
    assertThat(RmanInvocation.of(List.of("rman", "target", "/"), Map.of("ORACLE_HOME", " "), JOB, "x").command().get(0)).isEqualTo("rman");
  }

  @Test
  void shouldRefuseCredentialsOnTheCommandLine() {
    for (String connect : List.of("sys/secret@prod", "sys/secret", "c##backup/pw")) {
      assertThatThrownBy(() -> RmanInvocation.of(List.of("rman", "target", connect), Map.of(), JOB, "x"))
          .hasMessage("rman-command must not hold credentials (user/password): connect with operating system authentication"
              + " (target /) or a wallet (target /@alias)");
    }
    assertThatThrownBy(() -> RmanInvocation.of(List.of("rman", "target", "/", "PASSWORD=x"), Map.of(), JOB, "x"))
        .hasMessageContaining("must not hold credentials");
  }

  @Test
  void shouldRefuseACommandThatNamesItsOwnCommandFileOrLog() {
    for (String argument : List.of("cmdfile=/tmp/x.rcv", "LOG=/tmp/x.log", "@/tmp/x.rcv", "append")) {
      assertThatThrownBy(() -> RmanInvocation.of(List.of("rman", "target", "/", argument), Map.of(), JOB, "x"))
          .hasMessageContaining("must not name a command file or log ('" + argument + "')");
    }
    assertThatThrownBy(() -> RmanInvocation.of(List.of("rman", " "), Map.of(), JOB, "x")).hasMessage("rman-command has an empty argument");
    assertThatThrownBy(() -> RmanInvocation.of(java.util.Arrays.asList("rman", null), Map.of(), JOB, "x"))
        .hasMessage("rman-command has an empty argument");
  }

  @Test
  void shouldRefuseEnvironmentVariablesThatAreNotOneLineUnderAPlainName() {
    assertThatThrownBy(() -> RmanInvocation.environment(Map.of("ORACLE SID", "x"))).hasMessageContaining("'ORACLE SID'");
    assertThatThrownBy(() -> RmanInvocation.environment(Map.of("ORACLE_SID", "x\nPATH=/tmp"))).hasMessage("environment variable ORACLE_SID must be one line");
    assertThatThrownBy(() -> RmanInvocation.environment(Map.of("ORACLE_SID", "x\0"))).hasMessage("environment variable ORACLE_SID must be one line");
    assertThatThrownBy(() -> RmanInvocation.environment(Map.of("ORACLE_SID", "\nx"))).hasMessage("environment variable ORACLE_SID must be one line");
    assertThatThrownBy(() -> RmanInvocation.environment(Map.of("ORACLE_SID", "\0x"))).hasMessage("environment variable ORACLE_SID must be one line");
    Map<String, String> nullValue = new LinkedHashMap<>();
    nullValue.put("ORACLE_SID", null);
    assertThatThrownBy(() -> RmanInvocation.environment(nullValue)).hasMessage("environment variable ORACLE_SID must be one line");
  }

  @Test
  void shouldRefuseAJobDirectoryRmanCouldMisread() {
    assertThatThrownBy(() -> RmanInvocation.of(null, Map.of(), Path.of("/srv/my jobs/b1"), "x")).hasMessageContaining("job directory");
  }

  @Test
  void shouldStartRmanDetachedAndReadItsLogFileWhenItEnds(@TempDir Path work) throws IOException {
    Path fake = fakeRman(work, """
        #!/bin/sh
        for a in "$@"; do case "$a" in log=*) log="${a#log=}";; cmdfile=*) cmd="${a#cmdfile=}";; esac; done
        { echo "connected to target database: ORCL (DBID=1613387266)"; cat "$cmd";
          echo "piece handle=/srv/b1/0v3a1b2c_1_1 tag=RB_B1 comment=NONE"; echo "NLS_DATE_FORMAT=$NLS_DATE_FORMAT";
          echo "Recovery Manager complete."; } > "$log"
        """);
    JobRunner job = JobRunner.of(new DetachedProcess(work.resolve("job")));

    Poll started = RmanInvocation.startOrAttach(job, List.of(fake.toString(), "target", "/"), Map.of(), "RUN { BACKUP DATABASE; }\n");
    assertThat(started.ended()).isFalse();
    await().atMost(Duration.ofSeconds(20)).until(() -> RmanInvocation.poll(job).ended());

    Poll ended = RmanInvocation.poll(job);
    assertThat(ended.succeeded()).isTrue();
    assertThat(ended.failure()).isEmpty();
    assertThat(ended.exitCode()).isZero();
    assertThat(ended.log().handlesTagged("RB_B1")).containsExactly("/srv/b1/0v3a1b2c_1_1");
    assertThat(Files.readString(work.resolve("job/rman.log"))).contains("RUN { BACKUP DATABASE; }").contains("NLS_DATE_FORMAT=YYYY-MM-DD HH24:MI:SS");
    // A second start finds the finished job instead of running RMAN again.
    assertThat(RmanInvocation.startOrAttach(job, List.of(fake.toString()), Map.of(), "other").succeeded()).isTrue();
    assertThat(Files.readString(work.resolve("job/rman.cmd"))).isEqualTo("RUN { BACKUP DATABASE; }\n");
  }

  @Test
  void shouldReportWhatFailedWhenRmanExitsWithAnErrorStack(@TempDir Path work) throws IOException {
    Path fake = fakeRman(work, """
        #!/bin/sh
        echo "RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ==============="
        echo "RMAN-03002: failure of recover command at 2026-11-30 14:10:49"
        echo "RMAN-06054: media recovery requesting unknown archived log for thread 1 with sequence 58 and starting SCN of 2498812"
        echo "Recovery Manager complete."
        exit 1
        """);
    JobRunner job = JobRunner.of(new DetachedProcess(work.resolve("job")));

    RmanInvocation.startOrAttach(job, List.of(fake.toString()), Map.of(), "RECOVER DATABASE;\n");
    await().atMost(Duration.ofSeconds(20)).until(() -> RmanInvocation.poll(job).ended());

    Poll ended = RmanInvocation.poll(job);
    assertThat(ended.succeeded()).isFalse();
    assertThat(ended.exitCode()).isEqualTo(1);
    assertThat(ended.failure().orElseThrow()).startsWith("The RMAN recover command failed: recovery needs archived log sequence 58");
  }

  @Test
  void shouldReportAnExitCodeWhenTheLogSaysNothing(@TempDir Path work) throws IOException {
    Path fake = fakeRman(work, "#!/bin/sh\necho 'Recovery Manager complete.'\nexit 3\n");
    JobRunner job = JobRunner.of(new DetachedProcess(work.resolve("job")));

    RmanInvocation.startOrAttach(job, List.of(fake.toString()), Map.of(), "x\n");
    await().atMost(Duration.ofSeconds(20)).until(() -> RmanInvocation.poll(job).ended());

    assertThat(RmanInvocation.poll(job).failure()).contains("RMAN exited with code 3 without an error stack: its log tells why");
  }

  @Test
  void shouldNotCallARunningJobFailed() {
    Poll running = new Poll(DetachedProcess.Status.RUNNING, null, RmanLog.parse(List.of()));
    assertThat(running.ended()).isFalse();
    assertThat(running.succeeded()).isFalse();
    assertThat(running.failure()).isEmpty();
    assertThat(new Poll(DetachedProcess.Status.NOT_STARTED, null, RmanLog.parse(List.of())).ended()).isFalse();
  }

  @Test
  void shouldSayWhenRmanVanishedWithoutAnExitCode() {
    Poll vanished = new Poll(DetachedProcess.Status.VANISHED, null, RmanLog.parse(List.of("Starting backup at 2026-11-29 01:00:04")));

    assertThat(vanished.ended()).isTrue();
    assertThat(vanished.succeeded()).isFalse();
    assertThat(vanished.failure().orElseThrow()).startsWith("RMAN stopped without an exit code (its host restarted or it was killed):"
        + " RMAN ended before its last line");
    Poll vanishedComplete = new Poll(DetachedProcess.Status.VANISHED, null, RmanLog.parse(List.of(RmanLog.COMPLETE)));
    assertThat(vanishedComplete.failure()).contains("RMAN stopped without an exit code (its host restarted or it was killed): its log"
        + " ends without an error");
    Poll failedClean = new Poll(DetachedProcess.Status.FAILED, 2, RmanLog.parse(List.of(RmanLog.COMPLETE)));
    assertThat(failedClean.failure()).contains("RMAN exited with code 2 without an error stack: its log tells why");
    Poll succeededButStack = new Poll(DetachedProcess.Status.SUCCEEDED, 0, RmanLog.parse(List.of(
        "RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ===============", "RMAN-06149: cannot BACKUP DATABASE", RmanLog.COMPLETE)));
    assertThat(succeededButStack.succeeded()).isFalse();
    assertThat(succeededButStack.failure()).contains("RMAN failed: RMAN-06149: cannot BACKUP DATABASE");
  }

  private static Path fakeRman(Path work, String script) throws IOException {
    Path fake = work.resolve("rman");
    Files.writeString(fake, script);
    Files.setPosixFilePermissions(fake, java.util.Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    return fake;
  }
}
