import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Clients;
import io.rebound.storage.S3StorageProperties;
import io.rebound.storage.StoredObject;
import io.rebound.storage.TransferSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Transfers of one large backup piece to and from a local S3 server, three ways in the same run:
 * <ul>
 *   <li><b>D</b>, the floor: the file read from disk (upload side) or written to disk (download side) by one
 *       sequential stream of 1 MiB blocks, nothing sent;</li>
 *   <li><b>S</b>, one single-stream PUT of the file and one GET of the object to a file, by the same SDK client;</li>
 *   <li><b>R</b>, Rebound's {@link ObjectStore#upload} and {@link ObjectStore#download}, with its shipped transfer
 *       settings: SHA-256 of the file, parts sent in parallel each with its checksum; ranges fetched in parallel and
 *       the whole checked against the manifest's SHA-256.</li>
 * </ul>
 * The server is S3Proxy on its filesystem store, in a JVM of its own ({@code server} mode). Before every timed
 * transfer the source file's pages are dropped from the page cache ({@code dd iflag=nocache}) and written data is
 * synced, so each side reads from the disk, not from memory.
 *
 * <p>Over HTTP the SDK signs every payload (chunk by chunk, {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}) and the server
 * reads the signed chunks; over HTTPS, as against a real store, it sends the bytes as they are.
 *
 * <p>With a link ({@code link} mode) between them, every connection to the server is held to a bandwidth of its own,
 * as S3 holds each connection to tens of MiB/s while the store as a whole takes far more: what a single stream
 * meets, and what parts sent or fetched at once add up past.
 *
 * <p>Usage: {@code server <port> <directory> [<key store> <password>]},
 * {@code link <port> <server port> <MiB/s per connection>}, or {@code client <endpoint> <file> <runs> <work directory>}.
 */
public class S3TransferBench {

  static final String BUCKET = "bench";
  static final String ACCESS = "bench-access";
  static final String SECRET = "bench-secret-key-0123";

  public static void main(String[] args) throws Exception {
    if (args[0].equals("server")) {
      server(Integer.parseInt(args[1]), Path.of(args[2]), args.length > 3 ? Path.of(args[3]) : null, args.length > 4 ? args[4] : null);
    } else if (args[0].equals("link")) {
      link(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Double.parseDouble(args[3]) * 1048576);
    } else {
      client(URI.create(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
    }
  }

  /** Over HTTP, or over HTTPS with the key in {@code keyStore} when one is given. */
  static void server(int port, Path directory, Path keyStore, String keyStorePassword) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toString());
    BlobStoreContext context = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential").overrides(properties)
        .build(BlobStoreContext.class);
    context.getBlobStore().createContainerInLocation(null, BUCKET);
    S3Proxy.Builder builder = S3Proxy.builder().blobStore(context.getBlobStore())
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).ignoreUnknownHeaders(true);
    if (keyStore == null) {
      builder.endpoint(URI.create("http://127.0.0.1:" + port));
    } else {
      builder.secureEndpoint(URI.create("https://127.0.0.1:" + port)).keyStore(keyStore.toString(), keyStorePassword);
    }
    S3Proxy proxy = builder.build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(50);
    }
    System.out.println("READY");
    Thread.currentThread().join();
  }

  /**
   * Relays every connection on {@code port} to the server on {@code serverPort}, each direction of each connection
   * paced to {@code bytesPerSecond}: a byte leaves no earlier than its share of the rate allows, with at most 10 ms
   * of credit saved up while the connection idles (kept-alive connections get no burst from their pauses). Bytes
   * pass as they are (TLS included); nothing is parsed.
   */
  static void link(int port, int serverPort, double bytesPerSecond) throws Exception {
    try (java.net.ServerSocket listener = new java.net.ServerSocket(port, 128, java.net.InetAddress.getLoopbackAddress())) {
      System.out.println("READY");
      while (true) {
        java.net.Socket client = listener.accept();
        java.net.Socket server = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), serverPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        for (Runnable direction : List.<Runnable>of(() -> pace(client, server, bytesPerSecond), () -> pace(server, client, bytesPerSecond))) {
          Thread thread = new Thread(direction, "link");
          thread.setDaemon(true);
          thread.start();
        }
      }
    }
  }

  static void pace(java.net.Socket from, java.net.Socket to, double bytesPerSecond) {
    long credit = 10_000_000L;
    byte[] buffer = new byte[64 << 10];
    try (var in = from.getInputStream(); var out = to.getOutputStream()) {
      long next = System.nanoTime();
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        long now = System.nanoTime();
        next = Math.max(next, now - credit) + (long) (read * 1e9 / bytesPerSecond);
        if (next > now) {
          Thread.sleep((next - now) / 1_000_000, (int) ((next - now) % 1_000_000));
        }
        out.write(buffer, 0, read);
      }
    } catch (Exception closed) {
      // One side closed: the other is closed below.
    } finally {
      try {
        from.close();
        to.close();
      } catch (IOException ignored) {
        // Already closed.
      }
    }
  }

  static void client(URI endpoint, Path file, int runs, Path work) throws Exception {
    S3StorageProperties settings = new S3StorageProperties(endpoint, "us-east-1", BUCKET, "bench", true, ACCESS, SECRET, null, null);
    long size = Files.size(file);
    TransferSettings shipped = TransferSettings.DEFAULT;
    System.out.printf("piece of %d MiB; Rebound's transfers: parts of %d MiB, %d at once%n", size >> 20, shipped.partSize() >> 20,
        shipped.parallelism());
    List<Long> diskRead = new ArrayList<>(), diskWrite = new ArrayList<>();
    List<Long> singlePut = new ArrayList<>(), singleGet = new ArrayList<>();
    List<Long> reboundUp = new ArrayList<>(), reboundDown = new ArrayList<>();
    try (S3Client s3 = S3Clients.create(settings, List.of());
        ObjectStore store = new ObjectStore(S3Clients.create(settings, List.of()), settings, shipped, Clock.systemUTC())) {
      // Warm-up: both clients' first requests and the JIT, on a small object.
      Path small = work.resolve("warm-up");
      Files.write(small, new byte[4 << 20]);
      store.upload(small, store.key("warm-up"));
      store.download(store.key("warm-up"), work.resolve("warm-up.back"), null);
      s3.putObject(b -> b.bucket(BUCKET).key("bench/warm-up-single"), RequestBody.fromFile(small));

      for (int run = 1; run <= runs; run++) {
        String reboundKey = store.key("run-" + run + "/piece");
        String singleKey = "bench/run-" + run + "/single";
        Path back = work.resolve("back");
        boolean reboundFirst = run % 2 == 1;

        long d = timed(file, () -> readAll(file));
        long s = 0, r = 0;
        StoredObject stored = null;
        for (int turn = 0; turn < 2; turn++) {
          if ((turn == 0) == reboundFirst) {
            StoredObject[] result = new StoredObject[1];
            r = timed(file, () -> result[0] = store.upload(file, reboundKey));
            stored = result[0];
          } else {
            s = timed(file, () -> s3.putObject(b -> b.bucket(BUCKET).key(singleKey), RequestBody.fromFile(file)));
          }
        }
        diskRead.add(d);
        singlePut.add(s);
        reboundUp.add(r);

        long w = timed(file, () -> writeAll(back, size));
        long g = 0, dl = 0;
        for (int turn = 0; turn < 2; turn++) {
          Files.deleteIfExists(back);
          if ((turn == 0) == reboundFirst) {
            String sha = stored.sha256();
            dl = timed(file, () -> { store.download(reboundKey, back, sha); sync(back); });
          } else {
            g = timed(file, () -> { s3.getObject(b -> b.bucket(BUCKET).key(singleKey), ResponseTransformer.toFile(back)); sync(back); });
          }
        }
        Files.deleteIfExists(back);
        diskWrite.add(w);
        singleGet.add(g);
        reboundDown.add(dl);
        System.out.printf("run %d: upload   disk read %d ms, single PUT %d ms, Rebound %d ms; Rebound/disk %.2f, Rebound/single %.2f%n",
            run, d, s, r, speed(d, r), speed(s, r));
        System.out.printf("run %d: download disk write %d ms, single GET %d ms, Rebound %d ms; Rebound/disk %.2f, Rebound/single %.2f%n",
            run, w, g, dl, speed(w, dl), speed(g, dl));
        store.delete(reboundKey);
        s3.deleteObject(b -> b.bucket(BUCKET).key(singleKey));
      }
    }
    report("upload", "disk read", diskRead, "single PUT", singlePut, reboundUp, size);
    report("download", "disk write", diskWrite, "single GET", singleGet, reboundDown, size);
  }

  /** Rebound's speed as a share of the other's: other's time over Rebound's. */
  static double speed(long other, long rebound) {
    return (double) other / rebound;
  }

  static void report(String what, String floorName, List<Long> floor, String singleName, List<Long> single, List<Long> rebound, long size) {
    long f = median(floor), s = median(single), r = median(rebound);
    System.out.printf("%s: median %s %d ms (%.0f MiB/s), %s %d ms (%.0f MiB/s), Rebound %d ms (%.0f MiB/s); "
            + "Rebound/%s %.2f (goal >= 0.8), Rebound/%s %.2f (goal >= 2)%n",
        what, floorName, f, mibs(size, f), singleName, s, mibs(size, s), r, mibs(size, r), floorName, speed(f, r), singleName, speed(s, r));
  }

  static double mibs(long bytes, long ms) {
    return bytes / 1048576.0 / (ms / 1000.0);
  }

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  interface Step {
    void run() throws Exception;
  }

  /** Drops the file's pages from the cache and flushes dirty pages, then times the step. */
  static long timed(Path file, Step step) throws Exception {
    dropCache(file);
    new ProcessBuilder("sync").inheritIO().start().waitFor();
    long start = System.nanoTime();
    step.run();
    return (System.nanoTime() - start) / 1_000_000;
  }

  static void dropCache(Path file) throws Exception {
    Process dd = new ProcessBuilder("dd", "if=" + file, "iflag=nocache", "count=0", "status=none").inheritIO().start();
    if (dd.waitFor() != 0) {
      throw new IllegalStateException("dd iflag=nocache failed");
    }
  }

  static void readAll(Path file) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (channel.read(buffer) >= 0) {
        buffer.clear();
      }
    }
  }

  static void writeAll(Path file, long size) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      for (long written = 0; written < size; ) {
        buffer.clear();
        buffer.limit((int) Math.min(buffer.capacity(), size - written));
        written += channel.write(buffer);
      }
      channel.force(true);
    }
    Files.delete(file);
  }

  static void sync(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }
}
