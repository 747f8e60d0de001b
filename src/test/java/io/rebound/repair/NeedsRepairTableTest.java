package io.rebound.repair;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code workstation-needs-repair.dmn} rule by rule: each sign gives its reason, and only its reason. */
class NeedsRepairTableTest {

  static final NeedsRepairTable TABLE = new NeedsRepairTable();

  /** A workstation in step: queues, files, marks and server figures agree. */
  static WorkstationReadings healthy() {
    return new WorkstationReadings(40, 40, 7, 7, 120, 7, 120, 120, 0, true, 40, 7, false, 40, 7, 44, 0, 0, 0, 0, 0);
  }

  static List<String> reasons(WorkstationReadings readings) {
    return TABLE.reasons(readings).stream().map(Diagnosis.Reason::code).toList();
  }

  static WorkstationReadings with(WorkstationReadings r, String field, Object value) {
    Object[] values = {r.queInLast(), r.queInApplied(), r.queInOwnLast(), r.queOutLast(), r.queOutLastAge(), r.queOutSent(), r.auditAge(),
        r.auditAgePackaged(), r.auditRows(), r.directoryPresent(), r.directoryInLast(), r.directoryOutLast(), r.repairMarked(),
        r.serverReadUpTo(), r.serverSentUpTo(), r.serverStreamLast(), r.serverReceivedLast(), r.queInMissing(), r.queInFirstMissing(),
        r.queOutMissing(), r.queOutFirstMissing()};
    List<String> names = List.copyOf(r.asMap().keySet());
    values[names.indexOf(field)] = value;
    return new WorkstationReadings((long) values[0], (long) values[1], (long) values[2], (long) values[3], (long) values[4], (long) values[5],
        (long) values[6], (long) values[7], (long) values[8], (boolean) values[9], (long) values[10], (long) values[11], (boolean) values[12],
        (long) values[13], (long) values[14], (long) values[15], (long) values[16], (long) values[17], (long) values[18], (long) values[19],
        (long) values[20]);
  }

  @Test
  void shouldFindNothingWrongWithAWorkstationInStep() {
    assertThat(reasons(healthy())).isEmpty();
  }

  @Test
  void shouldFindNothingWrongWithANewWorkstation() {
    assertThat(reasons(new WorkstationReadings(0, 0, 0, 0, 0, 0, 0, 0, 0, true, 0, 0, false, 0, 0, 0, 0, 0, 0, 0, 0))).isEmpty();
  }

  @Test
  void shouldFindNothingWrongWithLocalChangesNotYetSentOrAuditNotYetPackaged() {
    WorkstationReadings readings = with(with(healthy(), "queOutLast", 9L), "directoryOutLast", 9L);
    readings = with(with(readings, "queOutLastAge", 130L), "auditAgePackaged", 130L);
    assertThat(reasons(with(readings, "auditRows", 5L))).isEmpty();
  }

  @Test
  void shouldSeeAnUnfinishedRepairByItsMark() {
    assertThat(reasons(with(healthy(), "repairMarked", true))).containsExactly("REPAIR_UNFINISHED");
  }

  @Test
  void shouldSeeALostWorkingDirectory() {
    WorkstationReadings lost = with(with(with(healthy(), "directoryPresent", false), "directoryInLast", 0L), "directoryOutLast", 0L);
    assertThat(reasons(lost)).containsExactly("WORKING_DIRECTORY_LOST");
  }

  @Test
  void shouldSeeQueInDifferFromTheWorkingDirectoryEitherWay() {
    assertThat(reasons(with(healthy(), "directoryInLast", 45L))).containsExactly("QUE_IN_DIFFERS_FROM_DIRECTORY");
    assertThat(reasons(with(healthy(), "directoryInLast", 39L))).containsExactly("QUE_IN_DIFFERS_FROM_DIRECTORY");
  }

  @Test
  void shouldSeeQueOutDifferFromTheWorkingDirectory() {
    assertThat(reasons(with(healthy(), "directoryOutLast", 8L))).containsExactly("QUE_OUT_DIFFERS_FROM_DIRECTORY");
  }

  @Test
  void shouldSeeQueInBehindWhatTheServerSaysWeRead() {
    assertThat(reasons(with(healthy(), "serverReadUpTo", 41L))).containsExactly("QUE_IN_BEHIND_SERVER");
  }

  @Test
  void shouldSeeQueOutAndTheSentMarkBehindWhatTheServerReceived() {
    assertThat(reasons(with(healthy(), "serverSentUpTo", 8L))).containsExactly("QUE_OUT_BEHIND_SERVER", "SENT_MARK_BEHIND_SERVER");
  }

  @Test
  void shouldSeeOnlyTheSentMarkBehindWhenQueOutHoldsWhatTheServerReceived() {
    assertThat(reasons(with(healthy(), "queOutSent", 6L))).containsExactly("SENT_MARK_BEHIND_SERVER");
  }

  @Test
  void shouldSeeASentMarkPastTheEndOfQueOut() {
    WorkstationReadings readings = with(with(healthy(), "queOutSent", 8L), "serverSentUpTo", 8L);
    readings = with(with(readings, "queOutLast", 7L), "directoryOutLast", 7L);
    assertThat(reasons(readings)).containsExactly("QUE_OUT_BEHIND_SERVER", "SENT_MARK_PAST_QUE_OUT");
  }

  @Test
  void shouldSeeAnAppliedMarkPastTheEndOfQueIn() {
    assertThat(reasons(with(healthy(), "queInApplied", 41L))).containsExactly("APPLIED_MARK_PAST_QUE_IN");
  }

  @Test
  void shouldSeeTheAuditPackagedMarkBehindTheNewestQueOutReplica() {
    assertThat(reasons(with(healthy(), "auditAgePackaged", 100L))).containsExactly("AUDIT_PACKAGED_BEHIND_QUE_OUT");
  }

  @Test
  void shouldSeeAGapInsideQueIn() {
    assertThat(reasons(with(with(healthy(), "queInMissing", 2L), "queInFirstMissing", 12L))).containsExactly("QUE_IN_HAS_GAP");
  }

  @Test
  void shouldSeeAGapInsideQueOut() {
    assertThat(reasons(with(with(healthy(), "queOutMissing", 1L), "queOutFirstMissing", 3L))).containsExactly("QUE_OUT_HAS_GAP");
  }

  @Test
  void shouldFindNothingWrongWithAServerWhoseStreamGotFurtherOrThatHoldsOurReplicasNotYetStreamed() {
    assertThat(reasons(with(with(healthy(), "serverStreamLast", 90L), "serverReceivedLast", 7L))).isEmpty();
  }

  @Test
  void shouldListEveryReasonOfAWorkstationRestoredFromAnOldBackup() {
    WorkstationReadings restored = new WorkstationReadings(30, 30, 5, 5, 90, 5, 90, 90, 2, true, 40, 7, false, 40, 7, 52, 1, 0, 0, 0, 0);
    assertThat(reasons(restored)).containsExactly("QUE_IN_DIFFERS_FROM_DIRECTORY", "QUE_OUT_DIFFERS_FROM_DIRECTORY", "QUE_IN_BEHIND_SERVER",
        "QUE_OUT_BEHIND_SERVER", "SENT_MARK_BEHIND_SERVER");
    assertThat(TABLE.reasons(restored).get(0).explanation()).contains("working directory");
  }
}
