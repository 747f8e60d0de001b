package io.rebound.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * The SHA-256 of a file written in ranges that finish in any order, taken while the others are still being
 * written: a range is read back and hashed as soon as every range before it is, so the whole is known moments
 * after the last range lands instead of one more pass over the file. One thread hashes at a time; a range that
 * finishes meanwhile is left to it, and its own thread goes on.
 */
final class RangeDigest {

  private final FileChannel channel;
  private final long size;
  private final int rangeSize;
  private final int ranges;
  private final MessageDigest digest = Checksums.sha256();
  private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
  private final BitSet finished = new BitSet();
  private int next;
  private boolean hashing;
  private IOException failure;

  /** For {@code size} bytes in {@code channel}, cut in ranges of {@code rangeSize} (an empty file is one empty range). */
  RangeDigest(FileChannel channel, long size, int rangeSize) {
    if (rangeSize < 1 || size < 0) {
      throw new IllegalArgumentException("range size must be positive and size not negative");
    }
    this.channel = channel;
    this.size = size;
    this.rangeSize = rangeSize;
    this.ranges = (int) Math.max(1, (size + rangeSize - 1) / rangeSize);
  }

  /** Range {@code index} is on disk whole: hashes it, and those after it already there, unless another thread does. */
  void finished(int index) throws IOException {
    synchronized (this) {
      if (index < 0 || index >= ranges) {
        throw new IllegalArgumentException("range " + index + " is not one of the " + ranges);
      }
      finished.set(index);
      if (hashing || failure != null) {
        return;
      }
      hashing = true;
    }
    while (true) {
      int range;
      synchronized (this) {
        if (next == ranges || !finished.get(next)) {
          hashing = false;
          return;
        }
        range = next;
      }
      try {
        hash(range);
      } catch (IOException e) {
        synchronized (this) {
          failure = e;
          hashing = false;
        }
        throw e;
      }
      synchronized (this) {
        next++;
      }
    }
  }

  /** The SHA-256, hex, once every range has finished and been hashed. */
  synchronized String sha256Hex() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (hashing || next != ranges) {
      throw new IllegalStateException("only " + next + " of " + ranges + " ranges are hashed");
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private void hash(int range) throws IOException {
    long position = (long) range * rangeSize;
    long end = Math.min(size, position + rangeSize);
    while (position < end) {
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), end - position));
      int read = channel.read(buffer, position);
      if (read < 0) {
        // Shorter than its ranges say (a resumed file cut since): hashed as it is, it matches no expected checksum.
        return;
      }
      buffer.flip();
      digest.update(buffer);
      position += read;
    }
  }
}
