package io.rebound.repair;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every number the diagnosis reads, from the workstation's database, its working directory and the server.
 * Queue numbers are the last replica's number, 0 for an empty queue.
 *
 * @param queInLast the last replica of the common stream in QueIn
 * @param queInApplied the mark: QueIn applied up to (noQueInUsed)
 * @param queInOwnLast our own newest replica that came back through QueIn (its number in QueOut)
 * @param queOutLast the last of our own replicas in QueOut
 * @param queOutLastAge the audit age the last QueOut replica was packaged up to
 * @param queOutSent the mark: QueOut sent to the server up to
 * @param auditAge the mark: audit age
 * @param auditAgePackaged the mark: audit packaged into QueOut up to
 * @param auditRows audit rows not yet packaged
 * @param directoryPresent whether the working directory's queue folders exist
 * @param directoryInLast the newest QueIn replica file in the working directory
 * @param directoryOutLast the newest QueOut replica file in the working directory
 * @param repairMarked whether the "repair started" mark is set
 * @param serverReadUpTo what the server says we read of the common stream
 * @param serverSentUpTo what the server says it received of our own replicas
 * @param serverStreamLast the newest entry of the common stream the server offers us now (0 for none): how far the
 *     stream got, not what we read of it
 * @param serverReceivedLast the newest of our replicas the server holds and has not yet put in the stream (0 for none)
 * @param queInMissing how many numbers QueIn lacks between its first and its last replica
 * @param queInFirstMissing the first of them, 0 when it lacks none
 * @param queOutMissing how many numbers QueOut lacks between its first and its last replica
 * @param queOutFirstMissing the first of them, 0 when it lacks none
 */
public record WorkstationReadings(
    long queInLast,
    long queInApplied,
    long queInOwnLast,
    long queOutLast,
    long queOutLastAge,
    long queOutSent,
    long auditAge,
    long auditAgePackaged,
    long auditRows,
    boolean directoryPresent,
    long directoryInLast,
    long directoryOutLast,
    boolean repairMarked,
    long serverReadUpTo,
    long serverSentUpTo,
    long serverStreamLast,
    long serverReceivedLast,
    long queInMissing,
    long queInFirstMissing,
    long queOutMissing,
    long queOutFirstMissing) {

  /** The same readings with the repair mark as given: a recheck judges the workstation as it was before its own mark. */
  public WorkstationReadings withRepairMarked(boolean marked) {
    return new WorkstationReadings(queInLast, queInApplied, queInOwnLast, queOutLast, queOutLastAge, queOutSent, auditAge, auditAgePackaged,
        auditRows, directoryPresent, directoryInLast, directoryOutLast, marked, serverReadUpTo, serverSentUpTo, serverStreamLast,
        serverReceivedLast, queInMissing, queInFirstMissing, queOutMissing, queOutFirstMissing);
  }

  /** The readings by name, as the decision table and the diagnosis answer take them. */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("queInLast", queInLast);
    map.put("queInApplied", queInApplied);
    map.put("queInOwnLast", queInOwnLast);
    map.put("queOutLast", queOutLast);
    map.put("queOutLastAge", queOutLastAge);
    map.put("queOutSent", queOutSent);
    map.put("auditAge", auditAge);
    map.put("auditAgePackaged", auditAgePackaged);
    map.put("auditRows", auditRows);
    map.put("directoryPresent", directoryPresent);
    map.put("directoryInLast", directoryInLast);
    map.put("directoryOutLast", directoryOutLast);
    map.put("repairMarked", repairMarked);
    map.put("serverReadUpTo", serverReadUpTo);
    map.put("serverSentUpTo", serverSentUpTo);
    map.put("serverStreamLast", serverStreamLast);
    map.put("serverReceivedLast", serverReceivedLast);
    map.put("queInMissing", queInMissing);
    map.put("queInFirstMissing", queInFirstMissing);
    map.put("queOutMissing", queOutMissing);
    map.put("queOutFirstMissing", queOutFirstMissing);
    return map;
  }
}
