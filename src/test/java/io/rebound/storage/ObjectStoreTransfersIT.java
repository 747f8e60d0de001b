package io.rebound.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** Transfers against a real S3 server over HTTP, with parts small enough to keep the test fast. */
class ObjectStoreTransfersIT {

  /** S3's smallest part but the last, which S3Proxy enforces too. */
  private static final int PART = 5 * 1024 * 1024;
  private static S3Server server;

  @TempDir
  Path directory;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3Server.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void shouldRoundTripAFileOfManyPartsWithItsChecksum() throws IOException {
    Path file = randomFile("piece", PART * 3 + 123, 1);
    PartCounter parts = new PartCounter(Integer.MAX_VALUE);
    try (ObjectStore store = server.store("roundtrip", new TransferSettings(PART, 3), parts)) {
      StoredObject stored = store.upload(file, store.key("a/piece"));

      assertThat(stored.size()).isEqualTo(Files.size(file));
      assertThat(stored.sha256()).isEqualTo(Checksums.sha256Hex(file));
      assertThat(parts.sent).hasSize(4);
      assertThat(store.head(stored.key()).orElseThrow().metadata()).containsEntry(ObjectStore.SHA256, stored.sha256());

      Path copy = directory.resolve("copy");
      store.download(stored.key(), copy, stored.sha256());
      assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);
      assertThat(store.list(store.key("a/"))).containsEntry(stored.key(), Files.size(file));
    }
  }

  @Test
  void shouldReportItsTransferThreadsToTheMetricsRegistry() throws IOException {
    Path file = randomFile("measured", 3 * PART + 17, 11);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    S3StorageProperties settings = server.settings("measured");
    try (ObjectStore store = new ObjectStore(S3Clients.create(settings, List.of()), settings, new TransferSettings(PART, 2),
        Clock.systemUTC(), registry)) {
      StoredObject stored = store.upload(file, store.key("measured/piece"));
      store.download(stored.key(), directory.resolve("measured.back"), stored.sha256());

      // Four parts up and four ranges down, each a task of the transfer threads (a thread counts its task done just
      // after the task's caller was answered).
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(registry.get("executor.completed").tag("name", ObjectStore.TRANSFERS).functionCounter().count()).isEqualTo(8));
      assertThat(registry.get("executor.pool.max").tag("name", ObjectStore.TRANSFERS).gauge().value()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(registry.get("executor").tag("name", ObjectStore.TRANSFERS).timer().count()).isEqualTo(8));
    }
  }

  @Test
  void shouldKeepAnIdenticalObjectWithoutSendingItAgain() throws IOException {
    Path file = randomFile("same", PART * 2 + 5, 2);
    PartCounter parts = new PartCounter(Integer.MAX_VALUE);
    try (ObjectStore store = server.store("same", new TransferSettings(PART, 2), parts)) {
      store.upload(file, store.key("same"));
      int first = parts.sent.size();
      store.upload(file, store.key("same"));
      assertThat(first).isEqualTo(3);
      assertThat(parts.sent).hasSize(3);
    }
  }

  @Test
  void shouldCompleteAnUploadCutPartWayWithoutResendingFinishedParts() throws IOException {
    Path file = randomFile("cut", PART * 6, 3);
    String key;
    PartCounter failing = new PartCounter(2);
    try (ObjectStore store = server.store("cut", new TransferSettings(PART, 2), failing)) {
      key = store.key("cut/piece");
      assertThatThrownBy(() -> store.upload(file, key)).hasMessageContaining("connection cut");
      assertThat(store.head(key)).isEmpty();
    }
    Set<Integer> finishedBefore = new HashSet<>(failing.succeeded);
    assertThat(finishedBefore).hasSizeBetween(2, 5);

    PartCounter retry = new PartCounter(Integer.MAX_VALUE);
    try (ObjectStore store = server.store("cut", new TransferSettings(PART, 2), retry)) {
      StoredObject stored = store.upload(file, key);

      assertThat(retry.sent).hasSize(6 - finishedBefore.size()).doesNotContainAnyElementsOf(finishedBefore);
      Path copy = directory.resolve("cut-copy");
      store.download(key, copy, stored.sha256());
      assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);
    }
  }

  @Test
  void shouldNotCompleteAnUploadBegunForOtherBytesWithTheNewFile() throws IOException {
    Path first = randomFile("first", PART * 3, 8);
    Path second = randomFile("second", PART * 3, 9);
    String key;
    try (ObjectStore store = server.store("changed", new TransferSettings(PART, 1), new PartCounter(1))) {
      key = store.key("piece");
      assertThatThrownBy(() -> store.upload(first, key)).hasMessageContaining("connection cut");
    }
    try (ObjectStore store = server.store("changed", new TransferSettings(PART, 2))) {
      StoredObject stored = store.upload(second, key);

      assertThat(stored.sha256()).isEqualTo(Checksums.sha256Hex(second));
      Path copy = directory.resolve("changed-copy");
      store.download(key, copy, stored.sha256());
      assertThat(Files.mismatch(second, copy)).isEqualTo(-1L);
    }
  }

  @Test
  void shouldRefuseACorruptedObjectNamingItsKey() throws IOException {
    Path file = randomFile("good", PART * 2, 4);
    try (ObjectStore store = server.store("corrupt", new TransferSettings(PART, 2))) {
      String key = store.key("x/piece");
      StoredObject stored = store.upload(file, key);
      // The store's copy rots: same key, same recorded checksum, one byte different.
      byte[] bytes = Files.readAllBytes(file);
      bytes[PART + 17] ^= 0x40;
      try (S3Client raw = S3Clients.create(server.settings("corrupt"), List.of())) {
        raw.putObject(request -> request.bucket(S3Server.BUCKET).key(key).metadata(java.util.Map.of(ObjectStore.SHA256, stored.sha256())),
            RequestBody.fromBytes(bytes));
      }
      Path destination = directory.resolve("restored");

      assertThatThrownBy(() -> store.download(key, destination, stored.sha256()))
          .isInstanceOf(CorruptObjectException.class).hasMessageContaining(key);
      assertThat(destination).doesNotExist();
      assertThat(directory.resolve("restored.partial")).doesNotExist();
    }
  }

  @Test
  void shouldResumeADownloadFromTheRangesAlreadyOnDisk() throws IOException {
    Path file = randomFile("resume", PART * 4, 5);
    Path destination = directory.resolve("resumed");
    String key;
    StoredObject stored;
    RangeCounter failing = new RangeCounter(2);
    try (ObjectStore store = server.store("resume", new TransferSettings(PART, 1), failing)) {
      key = store.key("piece");
      stored = store.upload(file, key);
      assertThatThrownBy(() -> store.download(key, destination, stored.sha256())).hasMessageContaining("connection cut");
    }
    assertThat(destination).doesNotExist();
    RangeCounter retry = new RangeCounter(Integer.MAX_VALUE);
    try (ObjectStore store = server.store("resume", new TransferSettings(PART, 1), retry)) {
      store.download(key, destination, stored.sha256());
    }
    assertThat(retry.count.get()).isEqualTo(2);
    assertThat(Files.mismatch(file, destination)).isEqualTo(-1L);
  }

  @Test
  void shouldFetchAgainARangeTheFileNoLongerHoldsWhole() throws IOException {
    Path file = randomFile("cut", PART * 4, 6);
    Path destination = directory.resolve("cut-resumed");
    Path partial = directory.resolve("cut-resumed.partial");
    String key;
    StoredObject stored;
    try (ObjectStore store = server.store("cut", new TransferSettings(PART, 1), new RangeCounter(3))) {
      key = store.key("piece");
      stored = store.upload(file, key);
      assertThatThrownBy(() -> store.download(key, destination, stored.sha256())).hasMessageContaining("connection cut");
    }
    // Ranges 0 and 1 recorded as done; the file is cut inside range 1 since (a crash before the disk kept it all).
    try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
      channel.truncate(PART + PART / 2);
    }
    RangeCounter retry = new RangeCounter(Integer.MAX_VALUE);
    try (ObjectStore store = server.store("cut", new TransferSettings(PART, 1), retry)) {
      store.download(key, destination, stored.sha256());
    }
    assertThat(retry.count.get()).as("range 0 kept, ranges 1 to 3 fetched").isEqualTo(3);
    assertThat(Files.mismatch(file, destination)).isEqualTo(-1L);
  }

  @Test
  void shouldWriteWithRetentionAndEncryptionAndNeverDeleteALockedObject() throws IOException {
    S3StorageProperties plain = server.settings("locked");
    S3StorageProperties locked = new S3StorageProperties(plain.endpoint(), plain.region(), plain.bucket(), plain.prefix(), true,
        plain.accessKeyId(), plain.secretAccessKey(), new S3StorageProperties.ObjectLock("COMPLIANCE", 30), "AES256");
    List<Object> requests = Collections.synchronizedList(new java.util.ArrayList<>());
    Instant retainUntil = Instant.now().plus(Duration.ofDays(30));
    // S3Proxy keeps no retention; the store's answer is given the retention a locking store would report.
    ExecutionInterceptor lockingStore = new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        requests.add(context.request());
      }

      @Override
      public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (context.response() instanceof HeadObjectResponse head && head.metadata().containsKey("locked")) {
          return head.toBuilder().objectLockMode(ObjectLockMode.COMPLIANCE).objectLockRetainUntilDate(retainUntil).build();
        }
        return context.response();
      }
    };
    Path small = randomFile("small", 1000, 6);
    Path large = randomFile("large", PART + 1, 7);
    try (ObjectStore store = new ObjectStore(S3Clients.create(locked, List.of(lockingStore)), locked, new TransferSettings(PART, 2),
        Clock.systemUTC())) {
      store.upload(small, store.key("small"));
      store.upload(large, store.key("large"));

      assertThat(requests).filteredOn(PutObjectRequest.class::isInstance).map(PutObjectRequest.class::cast).singleElement()
          .satisfies(put -> {
            assertThat(put.objectLockMode()).isEqualTo(ObjectLockMode.COMPLIANCE);
            assertThat(put.objectLockRetainUntilDate()).isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
            assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
            assertThat(put.metadata()).containsKey(ObjectStore.SHA256);
          });
      assertThat(requests).filteredOn(CreateMultipartUploadRequest.class::isInstance).map(CreateMultipartUploadRequest.class::cast)
          .singleElement().satisfies(create -> {
            assertThat(create.objectLockMode()).isEqualTo(ObjectLockMode.COMPLIANCE);
            assertThat(create.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
          });

      try (S3Client raw = S3Clients.create(plain, List.of())) {
        raw.putObject(request -> request.bucket(S3Server.BUCKET).key(store.key("kept")).metadata(java.util.Map.of("locked", "yes")),
            RequestBody.fromString("under retention"));
      }
      assertThatThrownBy(() -> store.delete(store.key("kept"))).isInstanceOf(ObjectLockedException.class)
          .hasMessageContaining(store.key("kept")).hasMessageContaining("locked until");
      assertThat(store.head(store.key("kept"))).isPresent();

      store.delete(store.key("small"));
      store.delete(store.key("never-there"));
      assertThat(store.head(store.key("small"))).isEmpty();
    }
  }

  private Path randomFile(String name, int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return Files.write(directory.resolve(name), bytes);
  }

  /** Counts the parts sent, and cuts the connection once {@code limit} parts went through. */
  static final class PartCounter implements ExecutionInterceptor {
    final Set<Integer> sent = Collections.synchronizedSet(new HashSet<>());
    final Set<Integer> succeeded = Collections.synchronizedSet(new HashSet<>());
    private final int limit;
    private final AtomicInteger started = new AtomicInteger();

    PartCounter(int limit) {
      this.limit = limit;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (context.request() instanceof UploadPartRequest part) {
        if (started.incrementAndGet() > limit) {
          throw new IllegalStateException("connection cut before part " + part.partNumber());
        }
        sent.add(part.partNumber());
      }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof UploadPartRequest part) {
        succeeded.add(part.partNumber());
      }
    }
  }

  /** Counts ranged reads, and cuts the connection after {@code limit} of them. */
  static final class RangeCounter implements ExecutionInterceptor {
    final AtomicInteger count = new AtomicInteger();
    private final int limit;

    RangeCounter(int limit) {
      this.limit = limit;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (context.request() instanceof GetObjectRequest get && get.range() != null && count.incrementAndGet() > limit) {
        throw new IllegalStateException("connection cut before " + get.range());
      }
    }
  }
}
