package io.rebound.backup.postgresql;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WAL file names and positions: a segment {@code TTTTTTTTXXXXXXXXYYYYYYYY} (timeline, then the segment number split
 * in two) covers the LSNs from its number times the segment size; a history file {@code TTTTTTTT.history} records how
 * a timeline branched. Anything else in an archive directory ({@code .partial}, {@code .backup}, temporary files) is
 * not shipped.
 */
final class WalNames {

  private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})");
  private static final Pattern HISTORY = Pattern.compile("([0-9A-F]{8})\\.history");
  /** XLOG_PAGE_MAGIC of PostgreSQL 15. */
  static final int PAGE_MAGIC_15 = 0xD110;
  static final int LONG_HEADER_BYTES = 40;

  private WalNames() {}

  /** A segment by its name. */
  record Segment(String name, long timeline, long number) {
    long start(long segmentSize) {
      return number * segmentSize;
    }

    long end(long segmentSize) {
      return start(segmentSize) + segmentSize;
    }
  }

  static Optional<Segment> segment(String name, long segmentSize) {
    Matcher matcher = SEGMENT.matcher(name);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    long perLogId = 0x1_0000_0000L / segmentSize;
    long high = Long.parseLong(matcher.group(2), 16);
    long low = Long.parseLong(matcher.group(3), 16);
    if (low >= perLogId) {
      return Optional.empty();
    }
    return Optional.of(new Segment(name, Long.parseLong(matcher.group(1), 16), high * perLogId + low));
  }

  static boolean isSegment(String name) {
    return SEGMENT.matcher(name).matches();
  }

  /** The timeline a history file describes, when the name is one. */
  static Optional<Long> historyTimeline(String name) {
    Matcher matcher = HISTORY.matcher(name);
    return matcher.matches() ? Optional.of(Long.parseLong(matcher.group(1), 16)) : Optional.empty();
  }

  /** The name of the segment of {@code timeline} that holds {@code lsn}. */
  static String segmentName(long timeline, long lsn, long segmentSize) {
    long number = Long.divideUnsigned(lsn, segmentSize);
    long perLogId = 0x1_0000_0000L / segmentSize;
    return String.format(Locale.ROOT, "%08X%08X%08X", timeline, number / perLogId, number % perLogId);
  }

  /** An LSN as PostgreSQL prints it: {@code 16/B374D848}. */
  static String lsn(long value) {
    return String.format(Locale.ROOT, "%X/%X", value >>> 32, value & 0xFFFF_FFFFL);
  }

  /** An LSN from its printed form. */
  static long lsn(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 1 || slash == text.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not an LSN such as 16/B374D848");
    }
    long high = Long.parseLong(text.substring(0, slash), 16);
    long low = Long.parseLong(text.substring(slash + 1), 16);
    if (high > 0xFFFF_FFFFL || low > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("'" + text + "' is not an LSN such as 16/B374D848");
    }
    return (high << 32) | low;
  }

  /**
   * The long page header a segment starts with: the database it belongs to, its timeline, the LSN of its first page
   * and the segment size it was written with.
   */
  record Header(int magic, long timeline, long pageAddress, long systemIdentifier, long segmentSize) {

    /** Reads the first {@value #LONG_HEADER_BYTES} bytes of a segment, written on a little-endian host. */
    static Header read(byte[] bytes) {
      if (bytes.length < LONG_HEADER_BYTES) {
        throw new IllegalArgumentException("a WAL segment starts with a " + LONG_HEADER_BYTES + "-byte header, only " + bytes.length
            + " bytes given");
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      int magic = Short.toUnsignedInt(buffer.getShort(0));
      long timeline = Integer.toUnsignedLong(buffer.getInt(4));
      long pageAddress = buffer.getLong(8);
      long systemIdentifier = buffer.getLong(24);
      long segmentSize = Integer.toUnsignedLong(buffer.getInt(32));
      return new Header(magic, timeline, pageAddress, systemIdentifier, segmentSize);
    }

    /** Why this header cannot open the named segment, or empty when it does. */
    Optional<String> mismatch(String name) {
      if (magic != PAGE_MAGIC_15) {
        return Optional.of(name + " is not a WAL segment of PostgreSQL 15 (page magic " + Integer.toHexString(magic) + ")");
      }
      if (segmentSize < 1024 * 1024 || Long.bitCount(segmentSize) != 1 || segmentSize > 1024L * 1024 * 1024) {
        return Optional.of(name + " declares a segment size of " + segmentSize + " bytes");
      }
      Optional<Segment> segment = segment(name, segmentSize);
      if (segment.isEmpty() || segment.get().timeline() != timeline || segment.get().start(segmentSize) != pageAddress) {
        return Optional.of(name + " holds the WAL of timeline " + timeline + " from " + lsn(pageAddress) + ", not what its name says");
      }
      return Optional.empty();
    }

    /** PostgreSQL's system identifier as {@code pg_control_system()} prints it (unsigned decimal). */
    String databaseIdentity() {
      return Long.toUnsignedString(systemIdentifier);
    }
  }
}
