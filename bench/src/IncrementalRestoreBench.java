import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Clients;
import io.rebound.storage.S3StorageProperties;
import io.rebound.storage.TransferSettings;
import io.rebound.testsupport.Applications;
import io.rebound.testsupport.ArchivingPostgres;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The same point restored two ways from the same bucket, side by side, through Rebound's {@code database-restore}
 * runbook over HTTP:
 * <ul>
 *   <li><b>I</b>, what the planner gives: the FULL, the INCREMENTAL taken after a day of writes, and the WAL after it;</li>
 *   <li><b>W</b>, the FULL and all WAL since it: the same bucket with the INCREMENTAL's manifest moved aside and the
 *       catalog rebuilt from the bucket ({@code POST /api/backups/catalog/rebuild}), then put back and rebuilt again.</li>
 * </ul>
 * The day of writes is simulated at scale: every row of one table updated {@code rounds} times, so that the WAL since
 * the FULL is many times the data that changed, and the logs shipped every few rounds (a {@code LOGS} run), as the
 * shipping timer ships them during a day. Each restore is timed from its run's audit trail ({@code STEP_STARTED
 * restore} to the last {@code STEP_FINISHED restore}), split by the marks its job leaves ({@code downloaded},
 * {@code laid-down}); the WAL it downloaded is read from its plan, the WAL it replayed from the positions its summary
 * names. Both must reach the same rows as the source held at the point (count and checksum) or the run is void.
 *
 * <p>Usage: {@code <S3 endpoint> <access key> <secret key> <bucket> <rows> <rounds> <runs> <ship every n rounds>}; the S3 server runs in a
 * JVM of its own (see {@code bench/incremental-restore.sh}).
 */
public class IncrementalRestoreBench {

  static final String TARGET = "pg";
  static final String PW = TestUsers.PASSWORD;
  static final String PREFIX = "incremental-restore";
  static final Pattern REPLAYED = Pattern.compile("from ([0-9A-Fa-f]+/[0-9A-Fa-f]+) to ([0-9A-Fa-f]+/[0-9A-Fa-f]+)");

  record Restore(long totalMs, long downloadMs, long layDownMs, long recoverMs, long walDownloaded, long walReplayed, String rows) {}

  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    S3StorageProperties s3 = new S3StorageProperties(endpoint, "us-east-1", args[3], PREFIX, true, args[1], args[2], null, null);
    int rows = Integer.parseInt(args[4]);
    int rounds = Integer.parseInt(args[5]);
    int runs = Integer.parseInt(args[6]);
    int shipEvery = Integer.parseInt(args[7]);

    PostgresServers servers = new PostgresServers();
    ArchivingPostgres cluster = ArchivingPostgres.start();
    ConfigurableApplicationContext app = null;
    try (ObjectStore store = new ObjectStore(S3Clients.create(s3, List.of()), s3, TransferSettings.DEFAULT, Clock.systemUTC())) {
      Map<String, Object> properties = new LinkedHashMap<>(servers.properties());
      properties.put("server.port", 0);
      properties.put("rebound.steps.poll-interval", "PT0.5S");
      properties.put("rebound.storage.s3.endpoint", endpoint);
      properties.put("rebound.storage.s3.region", "us-east-1");
      properties.put("rebound.storage.s3.bucket", s3.bucket());
      properties.put("rebound.storage.s3.prefix", PREFIX);
      properties.put("rebound.storage.s3.path-style-access", true);
      properties.put("rebound.storage.s3.access-key-id", args[1]);
      properties.put("rebound.storage.s3.secret-access-key", args[2]);
      String settings = "rebound.targets." + TARGET + ".";
      properties.put(settings + "dialect", "postgresql");
      properties.put(settings + "url", cluster.url());
      properties.put(settings + "username", "postgres");
      properties.put(settings + "bin-directory", ArchivingPostgres.BIN);
      properties.put(settings + "backup.archive-directory", cluster.archiveDirectory());
      properties.put(settings + "backup.data-directory", cluster.dataDirectory());
      properties.put(settings + "backup.work-directory", cluster.workDirectory());
      if (cluster.osUser() != null) {
        properties.put(settings + "backup.os-user", cluster.osUser());
      }
      properties.put(settings + "backup.local-archive-retention", "PT0S");
      // Logs are shipped by the backups and one LOGS run here, never by the timer in the middle of a measurement.
      properties.put(settings + "backup.archive-shipping-interval", "PT24H");
      properties.put(settings + "backup.ship-on-arrival", false);
      // Ten restores would keep ten old data directories.
      properties.put(settings + "backup.keep-old-data-directory", false);
      app = Applications.start(properties);
      Http http = new Http(Applications.port(app));

      System.out.printf("PostgreSQL cluster %s (fsync off, shared_buffers 32MB, max_wal_size 256MB); %d rows, %d rounds of updates%n",
          ArchivingPostgres.BIN, rows, rounds);
      sql(cluster, "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, note text NOT NULL)",
          "INSERT INTO accounts SELECT i, 0, md5(i::text) FROM generate_series(1, " + rows + ") i", "VACUUM ANALYZE accounts");
      long t0 = System.nanoTime();
      backup(http, "FULL");
      System.out.printf("FULL taken through Rebound in %d ms; table %s%n", ms(t0), one(cluster,
          "SELECT pg_size_pretty(pg_total_relation_size('accounts'))"));

      String afterFull = one(cluster, "SELECT pg_current_wal_lsn()::text");
      t0 = System.nanoTime();
      int batches = 0;
      for (int round = 1; round <= rounds; round++) {
        // Every row, round after round: the WAL grows by the table's rows each time, the changed data does not.
        sql(cluster, "UPDATE accounts SET balance = balance + " + round);
        if (round % shipEvery == 0 && round < rounds) {
          // The shipping timer's work during the day, run here at known moments instead of on a clock.
          backup(http, "LOGS");
          batches++;
        }
      }
      String beforeIncremental = one(cluster, "SELECT pg_current_wal_lsn()::text");
      long wal = lsn(beforeIncremental) - lsn(afterFull);
      System.out.printf("day of writes: %d updates of every row in %d ms, logs shipped %d times on the way; %d MiB of WAL over a table of %s%n",
          rounds, ms(t0), batches, wal >> 20,
          one(cluster, "SELECT pg_size_pretty(pg_total_relation_size('accounts'))"));
      t0 = System.nanoTime();
      backup(http, "INCREMENTAL");
      System.out.printf("INCREMENTAL taken through Rebound (and the WAL since the last shipment shipped) in %d ms%n", ms(t0));

      sql(cluster, "UPDATE accounts SET balance = balance + 1000 WHERE id % 100 = 0",
          "INSERT INTO accounts SELECT i, 7, 'after the INCREMENTAL' FROM generate_series(" + (rows + 1) + ", " + (rows + 1000) + ") i");
      Instant point = pointAfterCommits(cluster);
      String expected = checksum(cluster);
      sql(cluster, "UPDATE accounts SET balance = -1 WHERE id % 7 = 0", "DELETE FROM accounts WHERE id % 11 = 0");
      cluster.switchAndArchive();
      backup(http, "LOGS");

      JsonNode incrementalPlan = plan(http, point);
      String incrementalManifest = manifestOf(incrementalPlan, "INCREMENTAL");
      System.out.printf("point %s: %s%n", point, describe(incrementalPlan));
      byte[] aside = hide(http, store, incrementalManifest);
      JsonNode walPlan = plan(http, point);
      System.out.printf("without the INCREMENTAL: %s%n", describe(walPlan));
      restoreManifest(http, store, incrementalManifest, aside);

      System.out.println("warm-up: one restore each way (not counted)");
      restore(http, cluster, point);
      withoutIncremental(http, store, incrementalManifest, () -> restore(http, cluster, point));

      List<Restore> incremental = new ArrayList<>();
      List<Restore> allWal = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        Restore i;
        Restore w;
        if (run % 2 == 1) {
          i = restore(http, cluster, point);
          w = withoutIncremental(http, store, incrementalManifest, () -> restore(http, cluster, point));
        } else {
          w = withoutIncremental(http, store, incrementalManifest, () -> restore(http, cluster, point));
          i = restore(http, cluster, point);
        }
        if (!i.rows().equals(expected) || !w.rows().equals(expected)) {
          System.out.printf("run %d VOID: the source held %s at the point; FULL+INCREMENTAL+WAL reached %s, FULL+all WAL %s%n", run, expected,
              i.rows(), w.rows());
          System.exit(2);
        }
        incremental.add(i);
        allWal.add(w);
        System.out.printf("run %d: FULL+INCREMENTAL+WAL %s; FULL+all WAL %s; ratio %.2f%n", run, line(i), line(w),
            (double) w.totalMs() / i.totalMs());
      }
      long mi = median(incremental.stream().map(Restore::totalMs).toList());
      long mw = median(allWal.stream().map(Restore::totalMs).toList());
      System.out.printf("rows at the point, both ways, every run: %s%n", expected);
      System.out.printf("median FULL+INCREMENTAL+WAL %d ms (recovery %d ms), FULL+all WAL %d ms (recovery %d ms); all WAL / incremental %.2f"
          + " (goal >= 3)%n", mi, median(incremental.stream().map(Restore::recoverMs).toList()), mw,
          median(allWal.stream().map(Restore::recoverMs).toList()), (double) mw / mi);
      System.out.printf("WAL downloaded %d MiB vs %d MiB, replayed %d MiB vs %d MiB%n", incremental.get(0).walDownloaded() >> 20,
          allWal.get(0).walDownloaded() >> 20, incremental.get(0).walReplayed() >> 20, allWal.get(0).walReplayed() >> 20);
    } finally {
      if (app != null) {
        app.close();
      }
      cluster.close();
      servers.close();
    }
  }

  interface Measured {
    Restore run() throws Exception;
  }

  /** A restore with the INCREMENTAL's manifest out of the bucket (so out of the rebuilt catalog), put back after. */
  static Restore withoutIncremental(Http http, ObjectStore store, String manifest, Measured restore) throws Exception {
    byte[] aside = hide(http, store, manifest);
    try {
      return restore.run();
    } finally {
      restoreManifest(http, store, manifest, aside);
    }
  }

  static byte[] hide(Http http, ObjectStore store, String manifest) {
    byte[] bytes = store.get(manifest);
    store.delete(manifest);
    rebuild(http, 1);
    return bytes;
  }

  static void restoreManifest(Http http, ObjectStore store, String manifest, byte[] bytes) {
    store.put(manifest, bytes, "application/json");
    rebuild(http, 2);
  }

  static void rebuild(Http http, int backups) {
    Http.Answer rebuilt = http.post("/api/backups/catalog/rebuild", TestUsers.OPERATOR, PW, Map.of());
    if (rebuilt.status() != 200 || rebuilt.json().get("backups").asInt() != backups || !rebuilt.json().get("refused").isEmpty()) {
      throw new IllegalStateException("catalog rebuild: " + rebuilt.status() + " " + rebuilt.body() + " (" + backups + " backups expected)");
    }
  }

  static Restore restore(Http http, ArchivingPostgres cluster, Instant point) throws Exception {
    JsonNode plan = plan(http, point);
    long walDownloaded = 0;
    for (JsonNode piece : plan.get("pieces")) {
      if (piece.get("key").asText().contains("/logs/")) {
        walDownloaded += piece.get("size").asLong();
      }
    }
    Http.Answer started = http.post("/api/database-restores", TestUsers.OPERATOR, PW, Map.of("target", TARGET, "pointInTime", point.toString()));
    check(started, 201);
    String id = started.json().get("id").asText();
    await(http, id, "WAITING_FOR_APPROVAL", Duration.ofMinutes(2));
    check(http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true, "comment", "bench")), 200);
    await(http, id, "COMPLETED", Duration.ofMinutes(30));
    JsonNode audit = http.get("/api/recoveries/" + id + "/audit", TestUsers.OPERATOR, PW).json();
    Instant started0 = null;
    Instant finished = null;
    for (JsonNode event : audit) {
      if (!"restore".equals(event.get("step").asText())) {
        continue;
      }
      Instant at = Instant.parse(event.get("at").asText());
      if (event.get("type").asText().equals("STEP_STARTED") && started0 == null) {
        started0 = at;
      } else if (event.get("type").asText().equals("STEP_FINISHED")) {
        finished = at;
      }
    }
    if (started0 == null || finished == null) {
      throw new IllegalStateException("no restore step in the trail of run " + id + ": " + audit);
    }
    Path job = jobDirectory(cluster, id);
    Instant downloaded = Instant.parse(Files.readString(job.resolve("downloaded")).strip());
    Instant laidDown = Instant.parse(Files.readString(job.resolve("laid-down")).strip());
    // The verify step's summary names the positions recovery replayed from (the last backup's start) and to.
    long walReplayed = -1;
    for (JsonNode event : audit) {
      Matcher replayed = REPLAYED.matcher(event.get("outcome").asText());
      if (replayed.find()) {
        walReplayed = lsn(replayed.group(2)) - lsn(replayed.group(1));
      }
    }
    return new Restore(Duration.between(started0, finished).toMillis(), Duration.between(started0, downloaded).toMillis(),
        Duration.between(downloaded, laidDown).toMillis(), Duration.between(laidDown, finished).toMillis(), walDownloaded, walReplayed,
        checksum(cluster));
  }

  /** The restore's job directory under the work directory: the one its run's id names. */
  static Path jobDirectory(ArchivingPostgres cluster, String id) throws Exception {
    try (Stream<Path> walk = Files.walk(cluster.workDirectory(), 3)) {
      return walk.filter(path -> path.getFileName().toString().contains(id) && Files.exists(path.resolve("laid-down"))).findFirst()
          .orElseThrow(() -> new IllegalStateException("no job directory of run " + id + " under " + cluster.workDirectory()));
    }
  }

  static void await(Http http, String id, String state, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      Http.Answer answer = http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW);
      last = answer.body();
      String now = answer.json().get("state").asText();
      if (now.equals(state)) {
        return;
      }
      if (now.equals("FAILED") || now.equals("REJECTED") || now.equals("EXPIRED")) {
        throw new IllegalStateException("run " + id + " is " + now + ", not " + state + ": " + last);
      }
      // Slow on purpose: the times come from the audit trail, and this loop must not take CPU from the restore.
      Thread.sleep(1000);
    }
    throw new IllegalStateException("run " + id + " not " + state + " in " + atMost + ": " + last);
  }

  static void backup(Http http, String type) throws InterruptedException {
    Http.Answer started = http.post("/api/backups", TestUsers.OPERATOR, PW, Map.of("target", TARGET, "type", type));
    check(started, 201);
    await(http, started.json().get("id").asText(), "COMPLETED", Duration.ofMinutes(30));
  }

  static JsonNode plan(Http http, Instant point) {
    Http.Answer plan = http.get("/api/backups/plan?target=" + TARGET + "&pointInTime=" + point, TestUsers.OPERATOR, PW);
    check(plan, 200);
    return plan.json();
  }

  static String manifestOf(JsonNode plan, String type) {
    for (JsonNode piece : plan.get("pieces")) {
      String key = piece.get("key").asText();
      if (!key.contains("/logs/")) {
        String directory = key.substring(0, key.lastIndexOf('/') + 1);
        for (JsonNode backup : plan.get("backups")) {
          if (backup.asText().startsWith(type + " ") && directory.contains("/" + backup.asText().split(" ")[1] + "/")) {
            return directory + "manifest.json";
          }
        }
      }
    }
    throw new IllegalStateException("no " + type + " in the plan " + plan);
  }

  static String describe(JsonNode plan) {
    long backups = 0;
    long logs = 0;
    for (JsonNode piece : plan.get("pieces")) {
      if (piece.get("key").asText().contains("/logs/")) {
        logs += piece.get("size").asLong();
      } else {
        backups += piece.get("size").asLong();
      }
    }
    List<String> names = new ArrayList<>();
    plan.get("backups").forEach(backup -> names.add(backup.asText().split(" ")[0]));
    return String.join(" + ", names) + " (" + (backups >> 20) + " MiB) and " + plan.get("logBatches").size() + " log batches ("
        + (logs >> 20) + " MiB of WAL)";
  }

  static void check(Http.Answer answer, int status) {
    if (answer.status() != status && !(status == 200 && answer.status() == 204)) {
      throw new IllegalStateException("HTTP " + answer.status() + ": " + answer.body());
    }
  }

  static String line(Restore r) {
    return String.format("%d ms (download %d, lay down %d, recovery %d; WAL downloaded %d MiB, replayed %d MiB)", r.totalMs(), r.downloadMs(),
        r.layDownMs(), r.recoverMs(), r.walDownloaded() >> 20, r.walReplayed() >> 20);
  }

  /** The server's clock once it is past the last commit, so that the point falls between two commits. */
  static Instant pointAfterCommits(ArchivingPostgres cluster) throws Exception {
    Instant committed = now(cluster);
    while (!now(cluster).isAfter(committed.plusMillis(500))) {
      Thread.sleep(50);
    }
    Instant point = now(cluster);
    while (!now(cluster).isAfter(point.plusMillis(500))) {
      Thread.sleep(50);
    }
    return point;
  }

  static Instant now(ArchivingPostgres cluster) throws Exception {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT clock_timestamp()")) {
      row.next();
      return row.getTimestamp(1).toInstant();
    }
  }

  static String checksum(ArchivingPostgres cluster) throws Exception {
    return one(cluster, "SELECT count(*) || ' rows, sum ' || sum(balance) || ', md5 ' || md5(string_agg(id || ':' || balance || ':' || note, ','"
        + " ORDER BY id)) FROM accounts");
  }

  static void sql(ArchivingPostgres cluster, String... statements) throws Exception {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  static String one(ArchivingPostgres cluster, String sql) throws Exception {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  static long lsn(String position) {
    String[] parts = position.split("/");
    return new BigInteger(parts[0], 16).shiftLeft(32).add(new BigInteger(parts[1], 16)).longValueExact();
  }

  static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
