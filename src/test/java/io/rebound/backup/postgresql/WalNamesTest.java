package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.backup.postgresql.WalNames.Header;
import io.rebound.backup.postgresql.WalNames.Segment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class WalNamesTest {

  private static final long MB16 = 16L * 1024 * 1024;

  @Test
  void shouldReadTimelineAndPositionsFromASegmentName() {
    Segment segment = WalNames.segment("00000002000000010000000A", MB16).orElseThrow();

    assertThat(segment.timeline()).isEqualTo(2);
    assertThat(segment.number()).isEqualTo(256 + 10);
    assertThat(WalNames.lsn(segment.start(MB16))).isEqualTo("1/A000000");
    assertThat(WalNames.lsn(segment.end(MB16))).isEqualTo("1/B000000");
  }

  @Test
  void shouldCountSegmentsPerLogIdBySegmentSize() {
    long mb64 = 64L * 1024 * 1024;
    assertThat(WalNames.segment("000000010000000100000003", mb64).orElseThrow().start(mb64)).isEqualTo((1L << 32) + 3 * mb64);
    assertThat(WalNames.segment("000000010000000100000040", mb64)).as("only 64 segments of 64 MiB per log id").isEmpty();
    assertThat(WalNames.segment("00000001000000010000003F", mb64)).isPresent();
  }

  @Test
  void shouldRecogniseOnlySegmentsAndHistoryFiles() {
    assertThat(WalNames.isSegment("000000010000000000000001")).isTrue();
    assertThat(WalNames.isSegment("000000010000000000000001.partial")).isFalse();
    assertThat(WalNames.isSegment("000000010000000000000001.00000028.backup")).isFalse();
    assertThat(WalNames.isSegment("00000001000000000000000a")).as("upper-case hex only").isFalse();
    assertThat(WalNames.isSegment("00000001000000000000001")).isFalse();
    assertThat(WalNames.segment("x00000010000000000000001", MB16)).isEmpty();
    assertThat(WalNames.historyTimeline("00000003.history")).contains(3L);
    assertThat(WalNames.historyTimeline("0000000A.history")).contains(10L);
    assertThat(WalNames.historyTimeline("00000003.history.tmp")).isEmpty();
    assertThat(WalNames.historyTimeline("0000003.history")).isEmpty();
  }

  @Test
  void shouldNameTheSegmentHoldingAPosition() {
    assertThat(WalNames.segmentName(1, WalNames.lsn("0/2000028"), MB16)).isEqualTo("000000010000000000000002");
    assertThat(WalNames.segmentName(3, WalNames.lsn("1/FFFFFFF"), MB16)).isEqualTo("00000003000000010000000F");
    assertThat(WalNames.segmentName(3, WalNames.lsn("1/FFFFFF"), MB16)).isEqualTo("000000030000000100000000");
    assertThat(WalNames.segmentName(3, WalNames.lsn("1/1000000"), MB16)).isEqualTo("000000030000000100000001");
  }

  @Test
  void shouldPrintAndParseLsnsAsPostgresqlDoes() {
    assertThat(WalNames.lsn(0x16_B374D848L)).isEqualTo("16/B374D848");
    assertThat(WalNames.lsn(0)).isEqualTo("0/0");
    assertThat(WalNames.lsn("16/B374D848")).isEqualTo(0x16_B374D848L);
    assertThat(WalNames.lsn("FFFFFFFF/FFFFFFFF")).isEqualTo(-1L);
    for (String bad : new String[] {"16B374D848", "/1", "1/", "1/100000000", "100000000/0", null}) {
      assertThatThrownBy(() -> WalNames.lsn(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void shouldReadTheLongPageHeaderOfASegment() {
    Header header = Header.read(header(0xD110, 1, 0x2000000L, 7713998739877447964L, MB16));

    assertThat(header.timeline()).isEqualTo(1);
    assertThat(header.pageAddress()).isEqualTo(0x2000000L);
    assertThat(header.segmentSize()).isEqualTo(MB16);
    assertThat(header.databaseIdentity()).isEqualTo("7713998739877447964");
    assertThat(header.mismatch("000000010000000000000002")).isEmpty();
  }

  @Test
  void shouldPrintASystemIdentifierAboveLongMaxUnsigned() {
    assertThat(Header.read(header(0xD110, 1, 0, -2L, MB16)).databaseIdentity()).isEqualTo("18446744073709551614");
  }

  @Test
  void shouldRefuseAHeaderThatContradictsItsName() {
    assertThat(Header.read(header(0xD110, 1, 0x2000000L, 1, MB16)).mismatch("000000010000000000000003")).get().asString()
        .contains("holds the WAL of timeline 1 from 0/2000000");
    assertThat(Header.read(header(0xD110, 2, 0x2000000L, 1, MB16)).mismatch("000000010000000000000002")).isPresent();
    assertThat(Header.read(header(0xD10D, 1, 0x2000000L, 1, MB16)).mismatch("000000010000000000000002")).get().asString()
        .contains("not a WAL segment of PostgreSQL 15");
    assertThat(Header.read(header(0xD110, 1, 0, 1, 3 * 1024 * 1024)).mismatch("000000010000000000000000")).get().asString()
        .contains("segment size of 3145728");
    assertThat(Header.read(header(0xD110, 1, 0, 1, 512 * 1024)).mismatch("000000010000000000000000")).isPresent();
    assertThat(Header.read(header(0xD110, 1, 0, 1, 2048L * 1024 * 1024)).mismatch("000000010000000000000000")).isPresent();
    assertThat(Header.read(header(0xD110, 1, 0, 1, 1024L * 1024 * 1024)).mismatch("000000010000000000000000")).isEmpty();
    assertThat(Header.read(header(0xD110, 1, 0, 1, 1024L * 1024)).mismatch("000000010000000000000000")).isEmpty();
    assertThat(Header.read(header(0xD110, 1, 0, 1, MB16)).mismatch("000000010000000000000000.partial")).isPresent();
  }

  @Test
  void shouldRefuseAShortHeader() {
    assertThatThrownBy(() -> Header.read(new byte[39])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only 39");
  }

  static byte[] header(int magic, long timeline, long pageAddress, long systemIdentifier, long segmentSize) {
    ByteBuffer buffer = ByteBuffer.allocate(WalNames.LONG_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putShort(0, (short) magic);
    buffer.putShort(2, (short) 2);
    buffer.putInt(4, (int) timeline);
    buffer.putLong(8, pageAddress);
    buffer.putLong(24, systemIdentifier);
    buffer.putInt(32, (int) segmentSize);
    buffer.putInt(36, 8192);
    return buffer.array();
  }
}
