package io.rebound.repair;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A replication workstation as the repair sees it: the seam where a site plugs in its own replication
 * system. Every operation is idempotent: run again after a crash or a retry, it finds what the last run
 * did and goes on from there; no replica is applied twice and no mark moves backwards.
 */
public interface Workstation {

  String id();

  /** Every number the diagnosis needs, read now from the database, the working directory and the server. */
  WorkstationReadings read();

  /** Sets the "repair started" mark (kept until {@link #removeRepairMark}); the normal cycle stops while it is set. */
  void markRepairStarted(String runId);

  /** Removes the "repair started" mark; after this the workstation replicates normally again. */
  void removeRepairMark();

  /** Restores QueIn and QueOut from the working directory up to its newest replica; says what it restored. */
  String restoreQueuesFromDirectory();

  /**
   * Takes from the server the replicas QueIn lacks up to {@code queInUpTo} and QueOut lacks up to
   * {@code queOutUpTo}, as far as the server holds them (its mailbox and its answers to retransmission
   * requests), and the replicas either lacks between its first and its last; returns what is still missing.
   */
  List<Gap> fetchFromServer(long queInUpTo, long queOutUpTo);

  /**
   * Reads the common stream on until QueIn holds our own replicas up to {@code ownUpTo}; returns what is
   * still missing (empty once they are all there).
   */
  List<Gap> fetchOwnReplicas(long ownUpTo);

  /** Asks the server to send these replicas again; asking twice for the same is asking once. */
  void requestRetransmission(List<Gap> gaps);

  /**
   * Applies QueIn from the applied-up-to mark to its end, our own replicas included; returns how many it
   * applied. Stops between two replicas once {@code stopping} says so: the mark says where to go on. Refuses,
   * naming them, to apply past replicas QueIn lacks.
   */
  long applyQueIn(BooleanSupplier stopping);

  /**
   * Applies the QueOut replicas the server never received (after {@code serverSentUpTo}); returns how many it
   * applied. Refuses, naming them, to apply past replicas QueOut lacks.
   */
  long applyUnsentQueOut(long serverSentUpTo);

  /** Moves every generator past the highest key it made that its table holds; returns what it moved. */
  List<String> repairGenerators();

  /**
   * Repairs the sent mark and the audit marks to the state after the repair; says what moved. The sent mark
   * becomes {@code serverSentUpTo}, what the server really received (backwards too, when it claimed more): the
   * replicas after it were never received, and only the normal cycle sending them lets the other workstations
   * see them.
   */
  String repairMarks(long serverSentUpTo);
}
