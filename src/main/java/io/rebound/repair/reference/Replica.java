package io.rebound.repair.reference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One replica: the changes one workstation packaged from its audit, in order.
 *
 * @param author the workstation whose changes these are
 * @param authorNo the number in the author's outgoing queue (QueOut), from 1
 * @param age the author's audit age the replica was packaged up to
 * @param streamNo the number the server gave it in the common stream (QueIn), 0 while it is only in QueOut
 * @param changes the row changes, applied in this order
 */
public record Replica(String author, long authorNo, long age, long streamNo, List<Change> changes) {

  /** An upsert ({@code U}, with the whole row) or a delete ({@code D}) of one row by its key. */
  public record Change(String table, char op, long key, ObjectNode row) {

    public static Change upsert(String table, long key, ObjectNode row) {
      return new Change(table, 'U', key, row);
    }

    public static Change delete(String table, long key) {
      return new Change(table, 'D', key, null);
    }
  }

  public Replica {
    changes = List.copyOf(changes);
  }

  /** The same replica as the server numbered it in the common stream. */
  public Replica inStream(long number) {
    return new Replica(author, authorNo, age, number, changes);
  }
}
