package io.rebound.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * One bucket of an S3-compatible store. Every object written carries the SHA-256 of its bytes in its metadata
 * ({@value #SHA256}) and every part is sent with its own SHA-256, which the store checks on arrival. An upload
 * that fails part-way leaves its multipart upload open: the next attempt finds it, keeps each part the store holds
 * with the same checksum and sends only the others. A download writes beside its destination, remembers the
 * ranges it has, hashes them in order as they land, and hands over the file only once its SHA-256 is the expected
 * one.
 */
public class ObjectStore implements AutoCloseable {

  /** The user-metadata key holding an object's SHA-256, hex. */
  public static final String SHA256 = "sha256";

  private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);
  private static final String PARTIAL = ".partial";
  private static final String PROGRESS = ".progress";
  /** The name the transfer threads' figures carry. */
  public static final String TRANSFERS = "rebound.s3.transfers";

  private final S3Client s3;
  private final S3StorageProperties settings;
  private final TransferSettings transfers;
  private final ExecutorService pool;
  private final Clock clock;

  public ObjectStore(S3Client s3, S3StorageProperties settings, TransferSettings transfers, Clock clock) {
    this(s3, settings, transfers, clock, null);
  }

  /**
   * A store whose transfer threads report to {@code registry} (when not null) as the executor {@value #TRANSFERS}:
   * parts and ranges in flight, queued and done ({@code executor_*}).
   */
  public ObjectStore(S3Client s3, S3StorageProperties settings, TransferSettings transfers, Clock clock, MeterRegistry registry) {
    this.s3 = s3;
    this.settings = settings;
    this.transfers = transfers;
    this.clock = clock;
    AtomicInteger threads = new AtomicInteger();
    ExecutorService threadPool = Executors.newFixedThreadPool(transfers.parallelism(), runnable -> {
      Thread thread = new Thread(runnable, "rebound-s3-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.pool = registry == null ? threadPool : ExecutorServiceMetrics.monitor(registry, threadPool, TRANSFERS);
  }

  /** The full key of a path under the configured prefix. */
  public String key(String relative) {
    return settings.key(relative);
  }

  public String bucket() {
    return settings.bucket();
  }

  /**
   * Uploads a file as {@code key}: in one request up to the part size, otherwise in parallel parts, resuming an
   * upload a previous attempt left open. An object already there with the same SHA-256 is kept as it is.
   */
  public StoredObject upload(Path file, String key) throws IOException {
    long size = Files.size(file);
    String sha256 = Checksums.sha256Hex(file);
    Optional<HeadObjectResponse> existing = head(key);
    if (existing.isPresent() && sha256.equals(existing.get().metadata().get(SHA256)) && existing.get().contentLength() == size) {
      LOG.info("{} is already stored with SHA-256 {}", key, sha256);
      return new StoredObject(key, size, sha256);
    }
    if (size <= transfers.partSize()) {
      byte[] bytes = Files.readAllBytes(file);
      put(key, bytes, sha256, "application/octet-stream");
    } else {
      uploadInParts(file, key, size, sha256, true);
      String recorded = head(key).map(object -> object.metadata().get(SHA256)).orElse(null);
      if (!sha256.equals(recorded)) {
        // The open upload resumed was begun for other bytes (its metadata names their checksum): start afresh.
        LOG.warn("{} was resumed from an upload begun for other content (SHA-256 {}); uploading it afresh", key, recorded);
        uploadInParts(file, key, size, sha256, false);
      }
    }
    return new StoredObject(key, size, sha256);
  }

  /** Writes a small object (a manifest) in one request, with its checksum. */
  public StoredObject put(String key, byte[] bytes, String contentType) {
    String sha256 = Checksums.sha256Hex(bytes);
    put(key, bytes, sha256, contentType);
    return new StoredObject(key, bytes.length, sha256);
  }

  private void put(String key, byte[] bytes, String sha256, String contentType) {
    PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket()).key(key).contentType(contentType)
        .contentLength((long) bytes.length).metadata(Map.of(SHA256, sha256))
        .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(Checksums.sha256Base64(bytes, bytes.length));
    if (settings.objectLock() != null) {
      request.objectLockMode(lockMode()).objectLockRetainUntilDate(retainUntil());
    }
    if (settings.serverSideEncryption() != null) {
      request.serverSideEncryption(ServerSideEncryption.fromValue(settings.serverSideEncryption()));
    }
    s3.putObject(request.build(), RequestBody.fromBytes(bytes));
  }

  private void uploadInParts(Path file, String key, long size, String sha256, boolean resume) throws IOException {
    int partSize = transfers.partSize();
    int parts = (int) ((size + partSize - 1) / partSize);
    String uploadId = (resume ? openUpload(key) : Optional.<String>empty()).orElseGet(() -> createUpload(key, sha256));
    Map<Integer, Part> held = new HashMap<>();
    s3.listPartsPaginator(request -> request.bucket(bucket()).key(key).uploadId(uploadId)).parts()
        .forEach(part -> held.put(part.partNumber(), part));
    List<Future<CompletedPart>> futures = new ArrayList<>();
    AtomicInteger sent = new AtomicInteger();
    for (int number = 1; number <= parts; number++) {
      int partNumber = number;
      long offset = (long) (number - 1) * partSize;
      int length = (int) Math.min(partSize, size - offset);
      futures.add(pool.submit(() -> uploadPart(file, key, uploadId, partNumber, offset, length, held.get(partNumber), sent)));
    }
    List<CompletedPart> completed = new ArrayList<>();
    for (Future<CompletedPart> future : futures) {
      completed.add(await(future, futures, key));
    }
    completed.sort(Comparator.comparing(CompletedPart::partNumber));
    s3.completeMultipartUpload(request -> request.bucket(bucket()).key(key).uploadId(uploadId)
        .multipartUpload(upload -> upload.parts(completed)));
    LOG.info("{} uploaded in {} parts, {} sent now, {} kept from an earlier attempt", key, parts, sent.get(), parts - sent.get());
  }

  private CompletedPart uploadPart(Path file, String key, String uploadId, int partNumber, long offset, int length, Part held,
      AtomicInteger sent) throws IOException {
    byte[] bytes = read(file, offset, length);
    String checksum = Checksums.sha256Base64(bytes, length);
    if (held != null && held.size() != null && held.size() == length && sameBytes(held, checksum, bytes, length)) {
      return CompletedPart.builder().partNumber(partNumber).eTag(held.eTag()).checksumSHA256(held.checksumSHA256()).build();
    }
    var response = s3.uploadPart(request -> request.bucket(bucket()).key(key).uploadId(uploadId).partNumber(partNumber)
        .contentLength((long) length).checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(checksum),
        RequestBody.fromBytes(bytes));
    sent.incrementAndGet();
    return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag())
        .checksumSHA256(response.checksumSHA256()).build();
  }

  /**
   * Whether a part the store holds has these bytes: by its SHA-256 where the store keeps part checksums, otherwise
   * by its ETag, the MD5 of the part on stores that do not encrypt with KMS. Anything else is sent again.
   */
  static boolean sameBytes(Part held, String sha256Base64, byte[] bytes, int length) {
    if (held.checksumSHA256() != null) {
      return held.checksumSHA256().equals(sha256Base64);
    }
    String etag = held.eTag() == null ? "" : held.eTag().replace("\"", "").toLowerCase(Locale.ROOT);
    return etag.equals(Checksums.md5Hex(bytes, length));
  }

  private Optional<String> openUpload(String key) {
    List<MultipartUpload> uploads = new ArrayList<>();
    s3.listMultipartUploadsPaginator(request -> request.bucket(bucket()).prefix(key)).uploads().forEach(upload -> {
      if (key.equals(upload.key())) {
        uploads.add(upload);
      }
    });
    return uploads.stream().max(Comparator.comparing(upload -> upload.initiated() == null ? Instant.EPOCH : upload.initiated()))
        .map(MultipartUpload::uploadId);
  }

  private String createUpload(String key, String sha256) {
    CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder().bucket(bucket()).key(key)
        .contentType("application/octet-stream").metadata(Map.of(SHA256, sha256)).checksumAlgorithm(ChecksumAlgorithm.SHA256);
    if (settings.objectLock() != null) {
      request.objectLockMode(lockMode()).objectLockRetainUntilDate(retainUntil());
    }
    if (settings.serverSideEncryption() != null) {
      request.serverSideEncryption(ServerSideEncryption.fromValue(settings.serverSideEncryption()));
    }
    return s3.createMultipartUpload(request.build()).uploadId();
  }

  /**
   * Downloads {@code key} to {@code destination} in parallel ranges. The bytes must hash to {@code expectedSha256}
   * (from the manifest) and agree with the object's own recorded checksum; otherwise nothing is written to
   * {@code destination} and a {@link CorruptObjectException} names the key. A download cut part-way resumes from
   * the ranges already on disk, as long as the object has not changed since.
   */
  public StoredObject download(String key, Path destination, String expectedSha256) throws IOException {
    HeadObjectResponse head = head(key).orElseThrow(() -> new IllegalStateException("object " + key + " is not in bucket " + bucket()));
    String recorded = head.metadata().get(SHA256);
    if (expectedSha256 == null && recorded == null) {
      throw new CorruptObjectException(key, "it carries no SHA-256 and none is expected, so its bytes cannot be checked");
    }
    if (expectedSha256 != null && recorded != null && !expectedSha256.equalsIgnoreCase(recorded)) {
      throw new CorruptObjectException(key, "its recorded SHA-256 " + recorded + " is not the expected " + expectedSha256);
    }
    String expected = (expectedSha256 != null ? expectedSha256 : recorded).toLowerCase(Locale.ROOT);
    long size = head.contentLength();
    Path partial = destination.resolveSibling(destination.getFileName() + PARTIAL);
    Path progress = destination.resolveSibling(destination.getFileName() + PROGRESS);
    Set<Integer> done = resumable(progress, partial, head.eTag(), size, transfers.partSize());
    if (done.isEmpty()) {
      Files.createDirectories(destination.toAbsolutePath().getParent());
      try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.truncate(0);
      }
      Files.writeString(progress, head.eTag() + "\n", StandardCharsets.UTF_8);
    }
    int rangeSize = transfers.partSize();
    int ranges = (int) Math.max(1, (size + rangeSize - 1) / rangeSize);
    List<Future<Void>> futures = new ArrayList<>();
    String actual;
    try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      RangeDigest whole = new RangeDigest(channel, size, rangeSize);
      for (int index = 0; index < ranges; index++) {
        if (done.contains(index)) {
          continue;
        }
        int range = index;
        long start = (long) index * rangeSize;
        long end = Math.min(size, start + rangeSize) - 1;
        futures.add(pool.submit(() -> {
          fetchRange(key, head.eTag(), start, end, channel);
          channel.force(false);
          recordRange(progress, range);
          whole.finished(range);
          return null;
        }));
      }
      // The ranges an earlier attempt left are hashed while the others download, as one more transfer task: a failure
      // there stops the others as any transfer's does.
      List<Integer> resumed = done.stream().filter(range -> range < ranges).sorted().toList();
      if (!resumed.isEmpty()) {
        futures.add(0, pool.submit(() -> {
          for (int range : resumed) {
            whole.finished(range);
          }
          return null;
        }));
      }
      for (Future<Void> future : futures) {
        await(future, futures, key);
      }
      actual = whole.sha256Hex();
    }
    if (!actual.equals(expected) || Files.size(partial) != size) {
      Files.deleteIfExists(partial);
      Files.deleteIfExists(progress);
      throw new CorruptObjectException(key, "its bytes hash to SHA-256 " + actual + ", not the expected " + expected);
    }
    Files.move(partial, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(progress);
    return new StoredObject(key, size, actual);
  }

  private void fetchRange(String key, String etag, long start, long end, FileChannel channel) throws IOException {
    if (end < start) {
      return;
    }
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request -> request.bucket(bucket()).key(key)
        .range("bytes=" + start + "-" + end).ifMatch(etag))) {
      byte[] buffer = new byte[1 << 16];
      long position = start;
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
        while (chunk.hasRemaining()) {
          position += channel.write(chunk, position);
        }
      }
      if (position != end + 1) {
        throw new IOException("range " + start + "-" + end + " of " + key + " ended after " + (position - start) + " bytes");
      }
    }
  }

  private synchronized void recordRange(Path progress, int range) throws IOException {
    try (FileChannel channel = FileChannel.open(progress, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.wrap((range + "\n").getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
    }
  }

  /**
   * The ranges an earlier attempt finished, if it was downloading this very version of the object; a range the file
   * does not reach to its end (cut since) is fetched again.
   */
  private static Set<Integer> resumable(Path progress, Path partial, String etag, long size, int rangeSize) throws IOException {
    Set<Integer> done = new HashSet<>();
    if (!Files.exists(progress) || !Files.exists(partial)) {
      return done;
    }
    List<String> lines = Files.readAllLines(progress, StandardCharsets.UTF_8);
    long onDisk = Files.size(partial);
    if (lines.isEmpty() || !lines.get(0).equals(String.valueOf(etag)) || onDisk > size) {
      return done;
    }
    for (String line : lines.subList(1, lines.size())) {
      if (line.matches("\\d{1,9}") && Math.min(size, (Long.parseLong(line) + 1) * rangeSize) <= onDisk) {
        done.add(Integer.parseInt(line));
      }
    }
    return done;
  }

  /** A small object (a manifest) read whole; its bytes must match its recorded SHA-256. */
  public byte[] get(String key) {
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request -> request.bucket(bucket()).key(key))) {
      byte[] bytes = in.readAllBytes();
      String recorded = in.response().metadata().get(SHA256);
      if (recorded == null) {
        throw new CorruptObjectException(key, "it carries no SHA-256, so its bytes cannot be checked");
      }
      String actual = Checksums.sha256Hex(bytes);
      if (!actual.equalsIgnoreCase(recorded)) {
        throw new CorruptObjectException(key, "its bytes hash to SHA-256 " + actual + ", not the recorded " + recorded);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + key + " failed", e);
    }
  }

  /** Every key under a prefix with its size, in key order. */
  public Map<String, Long> list(String prefix) {
    Map<String, Long> keys = new LinkedHashMap<>();
    for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket(bucket()).prefix(prefix)).contents()) {
      keys.put(object.key(), object.size());
    }
    return keys;
  }

  public Optional<HeadObjectResponse> head(String key) {
    try {
      return Optional.of(s3.headObject(request -> request.bucket(bucket()).key(key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Deletes an object unless object lock still protects it (retention in the future or a legal hold): a locked
   * object is never deleted, and no governance bypass is ever asked for. A missing object is already deleted.
   */
  public void delete(String key) {
    Optional<HeadObjectResponse> head = head(key);
    if (head.isEmpty()) {
      return;
    }
    Instant retainUntil = head.get().objectLockRetainUntilDate();
    boolean legalHold = head.get().objectLockLegalHoldStatus() == ObjectLockLegalHoldStatus.ON;
    if (legalHold || (retainUntil != null && retainUntil.isAfter(clock.instant()))) {
      throw new ObjectLockedException(key, retainUntil, legalHold);
    }
    s3.deleteObject(request -> request.bucket(bucket()).key(key));
  }

  private ObjectLockMode lockMode() {
    return ObjectLockMode.fromValue(settings.objectLock().mode().toUpperCase(Locale.ROOT));
  }

  private Instant retainUntil() {
    return clock.instant().plus(Duration.ofDays(settings.objectLock().days()));
  }

  private static byte[] read(Path file, long offset, int length) throws IOException {
    byte[] bytes = new byte[length];
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          throw new IOException(file + " is shorter than when its upload began");
        }
      }
    }
    return bytes;
  }

  /** Waits for one transfer; on its failure, cancels the others not yet started and rethrows. */
  private static <T> T await(Future<T> future, List<? extends Future<?>> all, String key) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      all.forEach(other -> other.cancel(true));
      Thread.currentThread().interrupt();
      throw new IOException("transfer of " + key + " interrupted", e);
    } catch (CancellationException e) {
      throw new IOException("transfer of " + key + " cancelled", e);
    } catch (ExecutionException e) {
      all.forEach(other -> other.cancel(false));
      for (Future<?> other : all) {
        try {
          other.get();
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        } catch (ExecutionException | CancellationException ignored) {
          // Its own failure, or never started: the first failure is the one reported.
        }
      }
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException("transfer of " + key + " failed", cause);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    s3.close();
  }
}
