import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.file.DirectoryStream;
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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How long archived WAL waits before it is in the bucket, with Rebound shipping it on its own timer
 * ({@code archive-shipping-interval}) under a steady write load. For every segment completed during the load: its
 * completion, read as the modification time of its file in the archive directory ({@code archive_command} writes it
 * when PostgreSQL hands it over, once full), against the moment its batch's manifest appeared in the bucket (a batch
 * without a manifest does not exist for a restore), found by listing the bucket every 100 ms; and, for comparison, the
 * moment the segment's own object appeared.
 *
 * <p>A commit's WAL waits for its segment to fill, then for the segment to be shipped: the worst case for a commit at
 * the start of a segment is the time to fill one segment plus that segment's lag, against the goal interval + one
 * segment.
 *
 * <p>Usage: {@code <S3 endpoint> <access key> <secret key> <bucket> <interval> <load seconds> <WAL KiB/s>
 * [--spring.property=value ...]}; the S3 server runs in a JVM of its own (see {@code bench/wal-shipping-lag.sh}).
 */
public class WalShippingLagBench {

  static final String TARGET = "pg";
  static final String PW = TestUsers.PASSWORD;
  static final String PREFIX = "wal-shipping-lag";
  static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");

  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    S3StorageProperties s3 = new S3StorageProperties(endpoint, "us-east-1", args[3], PREFIX, true, args[1], args[2], null, null);
    Duration interval = Duration.parse(args[4]);
    int loadSeconds = Integer.parseInt(args[5]);
    long walPerSecond = Long.parseLong(args[6]) * 1024;

    PostgresServers servers = new PostgresServers();
    ArchivingPostgres cluster = ArchivingPostgres.start();
    ConfigurableApplicationContext app = null;
    AtomicBoolean watching = new AtomicBoolean(true);
    try (ObjectStore store = new ObjectStore(S3Clients.create(s3, List.of()), s3, TransferSettings.DEFAULT, Clock.systemUTC())) {
      Map<String, Object> properties = new LinkedHashMap<>(servers.properties());
      properties.put("server.port", 0);
      // The shipped job executor and poll settings (the test servers' properties make them faster), unless the
      // command line says otherwise.
      properties.put("camunda.bpm.job-execution.wait-time-in-millis", 500);
      properties.put("camunda.bpm.job-execution.max-wait", 2000);
      properties.put("rebound.steps.poll-interval", "PT5S");
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
      // Local copies stay, so that every segment's completion time can be read after it was shipped.
      properties.put(settings + "backup.local-archive-retention", "PT24H");
      properties.put(settings + "backup.archive-shipping-interval", interval.toString());
      for (int i = 7; i < args.length; i++) {
        String[] property = args[i].replaceFirst("^--", "").split("=", 2);
        properties.put(property[0], property[1]);
      }
      app = Applications.start(properties);
      Http http = new Http(Applications.port(app));
      System.out.printf("archive-shipping-interval %s, ship-on-arrival %s, steps.poll-interval %s, job executor wait %s ms (max %s ms);"
          + " WAL written at %d KiB/s for %d s%n", interval, properties.getOrDefault(settings + "backup.ship-on-arrival", "true"),
          properties.get("rebound.steps.poll-interval"), properties.get("camunda.bpm.job-execution.wait-time-in-millis"),
          properties.get("camunda.bpm.job-execution.max-wait"), walPerSecond / 1024, loadSeconds);

      sql(cluster, "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, note text NOT NULL)",
          "INSERT INTO accounts SELECT i, 0, md5(i::text) FROM generate_series(1, 100000) i", "VACUUM ANALYZE accounts");
      backup(http, "FULL");

      // The bucket's log batches, listed every 100 ms: when each object was first seen.
      Map<String, Instant> objectsSeen = new ConcurrentHashMap<>();
      String logs = store.key("backups/" + TARGET + "/logs/");
      Thread bucketWatcher = watcher("bucket watcher", watching, 100, () -> {
        Map<String, Long> keys = store.list(logs);
        Instant now = Instant.now();
        keys.keySet().forEach(key -> objectsSeen.putIfAbsent(key, now));
      });

      Instant loadStart = Instant.now();
      String startLsn = one(cluster, "SELECT pg_current_wal_lsn()::text");
      long updates = load(cluster, walPerSecond, Duration.ofSeconds(loadSeconds));
      Instant loadEnd = Instant.now();
      String endLsn = one(cluster, "SELECT pg_current_wal_lsn()::text");
      System.out.printf("load: %d updates of 1000 rows in %d s, %d MiB of WAL (%d KiB/s)%n", updates,
          Duration.between(loadStart, loadEnd).toSeconds(), (lsn(endLsn) - lsn(startLsn)) >> 20,
          (lsn(endLsn) - lsn(startLsn)) / 1024 / Math.max(1, Duration.between(loadStart, loadEnd).toSeconds()));

      // Every segment completed during the load shipped: wait for the timer's next shipments.
      List<String> completed = completedBetween(cluster, loadStart, loadEnd);
      long deadline = System.nanoTime() + interval.multipliedBy(3).plusMinutes(2).toNanos();
      Map<String, Instant> batchOf = new TreeMap<>();
      Map<String, Instant> objectOf = new TreeMap<>();
      Map<String, String> batchIdOf = new TreeMap<>();
      while (System.nanoTime() < deadline) {
        batchOf.clear();
        objectOf.clear();
        for (Map.Entry<String, Instant> object : objectsSeen.entrySet()) {
          if (!object.getKey().endsWith("/manifest.json")) {
            continue;
          }
          JsonNode manifest = new ObjectMapper().readTree(store.get(object.getKey()));
          for (JsonNode piece : manifest.get("pieces")) {
            String name = piece.get("name").asText();
            if (name.length() >= 24 && SEGMENT.matcher(name.substring(0, 24)).matches()) {
              batchOf.put(name.substring(0, 24), object.getValue());
              String[] path = object.getKey().split("/");
              batchIdOf.put(name.substring(0, 24), path[path.length - 2]);
              Instant own = objectsSeen.get(piece.get("key").asText());
              objectOf.put(name.substring(0, 24), own == null ? object.getValue() : own);
            }
          }
        }
        if (batchOf.keySet().containsAll(completed)) {
          break;
        }
        Thread.sleep(1000);
      }
      watching.set(false);
      bucketWatcher.join();

      Map<String, Instant[]> runOf = shippingRuns(http);
      List<Long> waits = new ArrayList<>();
      List<Long> shippings = new ArrayList<>();
      List<Long> lags = new ArrayList<>();
      List<Long> objectLags = new ArrayList<>();
      List<Long> fills = new ArrayList<>();
      List<Long> rpos = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      Instant previous = null;
      int batches = 0;
      Instant lastBatch = null;
      for (String segment : completed) {
        Instant done = Files.getLastModifiedTime(cluster.archiveDirectory().resolve(segment)).toInstant();
        Instant shipped = batchOf.get(segment);
        if (previous != null) {
          fills.add(Duration.between(previous, done).toMillis());
        }
        if (shipped == null) {
          missing.add(segment);
        } else {
          long lag = Duration.between(done, shipped).toMillis();
          lags.add(lag);
          objectLags.add(Duration.between(done, objectOf.get(segment)).toMillis());
          Instant[] run = runOf.get(batchIdOf.get(segment));
          if (run != null) {
            waits.add(Duration.between(done, run[0]).toMillis());
            shippings.add(Duration.between(run[0], run[1]).toMillis());
          }
          if (previous != null) {
            rpos.add(Duration.between(previous, done).toMillis() + lag);
          }
          if (!shipped.equals(lastBatch)) {
            batches++;
            lastBatch = shipped;
          }
        }
        previous = done;
      }
      if (!missing.isEmpty()) {
        System.out.printf("NOT SHIPPED within %s after the load: %s%n", interval.multipliedBy(3).plusMinutes(2), missing);
      }
      long fill = median(fills);
      System.out.printf("%d segments completed during the load, one every %d ms (median); shipped in %d batches%n", completed.size(), fill,
          batches);
      System.out.printf("lag from completion to the batch's manifest: median %d ms, max %d ms (the segment's own object: median %d ms, max"
          + " %d ms)%n", median(lags), Collections.max(lags), median(objectLags), Collections.max(objectLags));
      if (!waits.isEmpty()) {
        System.out.printf("of which: from completion to the start of the run that shipped it (the timer) median %d ms, max %d ms;"
            + " the run's start to its ship-logs step's end (collection polled every poll-interval, upload, catalog) median %d ms,"
            + " max %d ms%n", median(waits), Collections.max(waits), median(shippings), Collections.max(shippings));
      }
      long goal = interval.toMillis() + fill;
      long worst = Collections.max(rpos);
      System.out.printf("RPO (a segment's fill + its lag): median %d ms, max %d ms; goal interval + one segment = %d ms: %s%n", median(rpos),
          worst, goal, worst <= goal && missing.isEmpty() ? "met" : "MISSED");
    } finally {
      watching.set(false);
      if (app != null) {
        app.close();
      }
      cluster.close();
      servers.close();
    }
  }

  /** Each log batch shipped by a run of the target, by batch id: the run's first audit event and its ship-logs step's end. */
  static Map<String, Instant[]> shippingRuns(Http http) {
    Map<String, Instant[]> runs = new TreeMap<>();
    Pattern shipped = Pattern.compile("log batch (\\S+) shipped");
    for (int page = 0; page < 50; page++) {
      JsonNode listed = http.get("/api/runs?runbook=database-backup&target=" + TARGET + "&size=200&page=" + page, TestUsers.OPERATOR, PW).json();
      for (JsonNode run : listed.get("runs")) {
        JsonNode audit = http.get("/api/recoveries/" + run.get("id").asText() + "/audit", TestUsers.OPERATOR, PW).json();
        if (audit.isEmpty()) {
          continue;
        }
        Instant started = Instant.parse(audit.get(0).get("at").asText());
        for (JsonNode event : audit) {
          java.util.regex.Matcher batch = shipped.matcher(event.get("outcome").asText());
          if (event.get("type").asText().equals("STEP_FINISHED") && batch.find()) {
            runs.put(batch.group(1), new Instant[] {started, Instant.parse(event.get("at").asText())});
          }
        }
      }
      if (!listed.get("more").asBoolean()) {
        break;
      }
    }
    return runs;
  }

  /** Updates of 1000 rows, paced so that the WAL grows at {@code perSecond} bytes a second. */
  static long load(ArchivingPostgres cluster, long perSecond, Duration duration) throws Exception {
    long updates = 0;
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement()) {
      long start = System.nanoTime();
      long startLsn = lsn(statement);
      long end = start + duration.toNanos();
      int from = 0;
      while (System.nanoTime() < end) {
        long due = (System.nanoTime() - start) / 1_000_000 * perSecond / 1000;
        if (lsn(statement) - startLsn < due) {
          statement.execute("UPDATE accounts SET balance = balance + 1 WHERE id > " + from + " AND id <= " + (from + 1000));
          from = (from + 1000) % 100_000;
          updates++;
        } else {
          Thread.sleep(20);
        }
      }
    }
    return updates;
  }

  static long lsn(Statement statement) throws Exception {
    try (ResultSet row = statement.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      row.next();
      return lsn(row.getString(1));
    }
  }

  /** The segments whose archived file was written during the load, in order. */
  static List<String> completedBetween(ArchivingPostgres cluster, Instant from, Instant to) throws Exception {
    List<String> segments = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(cluster.archiveDirectory())) {
      for (Path file : files) {
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        if (SEGMENT.matcher(file.getFileName().toString()).matches() && !modified.isBefore(from) && !modified.isAfter(to)) {
          segments.add(file.getFileName().toString());
        }
      }
    }
    Collections.sort(segments);
    return segments;
  }

  interface Check {
    void run() throws Exception;
  }

  static Thread watcher(String name, AtomicBoolean watching, long everyMs, Check check) {
    Thread thread = new Thread(() -> {
      while (watching.get()) {
        try {
          check.run();
          Thread.sleep(everyMs);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          System.err.println(name + ": " + e);
        }
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  static void backup(Http http, String type) throws InterruptedException {
    Http.Answer started = http.post("/api/backups", TestUsers.OPERATOR, PW, Map.of("target", TARGET, "type", type));
    if (started.status() != 201) {
      throw new IllegalStateException("HTTP " + started.status() + ": " + started.body());
    }
    String id = started.json().get("id").asText();
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      Http.Answer answer = http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW);
      String state = answer.json().get("state").asText();
      if (state.equals("COMPLETED")) {
        return;
      }
      if (state.equals("FAILED")) {
        throw new IllegalStateException("backup run " + id + " failed: " + answer.body());
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("backup run " + id + " did not complete in 10 minutes");
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

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
  }
}
