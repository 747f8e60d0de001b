import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Baseline B of bench/compare-vs-baselines.sh, the way the comparison tool of the seed works: fetch full
 * rows from both sides in chunks of 10 000 (keyset pagination on the key, both sides at once), compare them
 * in memory, and write each chunk's checkpoint (its key sets and both sides' rows, as the seed's pickle files
 * hold them) before the next chunk.
 * Prints: differences, bytes read, milliseconds.
 * Usage: java -cp postgresql.jar FullRowCompare.java <source-url> <destination-url> <table> <key> <checkpoint-directory>
 */
public class FullRowCompare {

  record Chunk(List<Object[]> rows, long bytes) {}

  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    String table = args[2];
    String key = args[3];
    try (Connection source = DriverManager.getConnection(args[0]); Connection destination = DriverManager.getConnection(args[1])) {
      long last = Long.MIN_VALUE;
      long differences = 0;
      long bytes = 0;
      int chunk = 0;
      Files.createDirectories(Path.of(args[4]));
      while (true) {
        long from = last;
        CompletableFuture<Chunk> other = CompletableFuture.supplyAsync(() -> fetch(destination, table, key, from));
        Chunk mine = fetch(source, table, key, from);
        Chunk theirs = other.join();
        bytes += mine.bytes() + theirs.bytes();
        if (mine.rows().isEmpty() && theirs.rows().isEmpty()) {
          break;
        }
        // Both chunks cover keys after `from`; compare up to the smaller of the two last keys.
        long mineLast = mine.rows().isEmpty() ? Long.MAX_VALUE : (Long) mine.rows().get(mine.rows().size() - 1)[0];
        long theirLast = theirs.rows().isEmpty() ? Long.MAX_VALUE : (Long) theirs.rows().get(theirs.rows().size() - 1)[0];
        long upTo = Math.min(mineLast, theirLast);
        long found = diff(mine.rows(), theirs.rows(), upTo);
        differences += found;
        checkpoint(Path.of(args[4]).resolve("chunk_" + chunk++ + ".bin"), mine.rows(), theirs.rows(), found);
        last = upTo;
        if (upTo == Long.MAX_VALUE) {
          break;
        }
      }
      System.out.println(differences + " " + bytes + " " + (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** The chunk's result with both sides' rows, the way the seed's chunk checkpoints keep them. */
  static void checkpoint(Path file, List<Object[]> source, List<Object[]> target, long differences) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
      out.writeLong(differences);
      for (List<Object[]> rows : List.of(source, target)) {
        out.writeInt(rows.size());
        for (Object[] row : rows) {
          out.writeLong((Long) row[0]);
          for (int c = 1; c < row.length; c++) {
            out.writeUTF(row[c] == null ? "" : (String) row[c]);
          }
        }
      }
    }
  }

  static long diff(List<Object[]> a, List<Object[]> b, long upTo) {
    long differences = 0;
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      Object[] x = i < a.size() && (Long) a.get(i)[0] <= upTo ? a.get(i) : null;
      Object[] y = j < b.size() && (Long) b.get(j)[0] <= upTo ? b.get(j) : null;
      if (x == null && y == null) {
        break;
      }
      if (y == null || x != null && (Long) x[0] < (Long) y[0]) {
        differences++;
        i++;
      } else if (x == null || (Long) y[0] < (Long) x[0]) {
        differences++;
        j++;
      } else {
        for (int c = 1; c < x.length; c++) {
          if (!Objects.equals(x[c], y[c])) {
            differences++;
            break;
          }
        }
        i++;
        j++;
      }
    }
    return differences;
  }

  static Chunk fetch(Connection connection, String table, String key, long after) {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT * FROM " + table + " WHERE " + key + " > ? ORDER BY " + key + " LIMIT 10000")) {
      statement.setLong(1, after);
      List<Object[]> rows = new ArrayList<>();
      long bytes = 0;
      try (ResultSet result = statement.executeQuery()) {
        int columns = result.getMetaData().getColumnCount();
        while (result.next()) {
          Object[] row = new Object[columns];
          row[0] = result.getLong(1);
          bytes += 8;
          for (int c = 2; c <= columns; c++) {
            String value = result.getString(c);
            row[c - 1] = value;
            bytes += value == null ? 0 : value.length();
          }
          rows.add(row);
        }
      }
      return new Chunk(rows, bytes);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
