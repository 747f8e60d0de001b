package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive watch on real directories: a file is told once it is whole WAL, once. What must not be told is checked by
 * order: the events of one directory are handled in order, so once a later marker segment is told, anything written
 * before it that was going to be told has been.
 */
class ArchiveWatchTest {

  static final long SIZE = 1024 * 1024;

  @TempDir Path archive;
  @TempDir Path other;
  final BlockingQueue<String> told = new LinkedBlockingQueue<>();
  ArchiveWatch watch;
  int markers;

  @AfterEach
  void stop() {
    if (watch != null) {
      watch.close();
    }
  }

  @Test
  void shouldTellASegmentCopiedInPlaceOnlyOnceItIsWholeAndOnlyOnce() throws Exception {
    watch(Map.of("pg", archive));
    String name = segmentName(1);
    byte[] segment = segment(1);
    try (FileChannel channel = FileChannel.open(archive.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(segment, 0, segment.length / 2));
      channel.force(true);
      assertThat(toldUntilMarker()).as("half a segment").isEmpty();
      channel.write(ByteBuffer.wrap(segment, segment.length / 2, segment.length - segment.length / 2));
    }
    assertThat(next()).isEqualTo("pg/" + name);
    // Written again in place (an archive_command run twice): already told.
    Files.write(archive.resolve(name), segment);
    assertThat(toldUntilMarker()).isEmpty();
  }

  @Test
  void shouldTellASegmentRenamedIntoTheDirectoryAndAHistoryFile() throws Exception {
    watch(Map.of("pg", archive));
    Path temporary = archive.resolve(segmentName(2) + ".tmp");
    Files.write(temporary, segment(2));
    Files.move(temporary, archive.resolve(segmentName(2)), StandardCopyOption.ATOMIC_MOVE);
    assertThat(next()).isEqualTo("pg/" + segmentName(2));
    Files.writeString(archive.resolve("00000002.history"), "1\t0/3000000\tbefore the accident\n");
    assertThat(next()).isEqualTo("pg/00000002.history");
  }

  @Test
  void shouldNotTellWhatIsNotWholeWal() throws Exception {
    watch(Map.of("pg", archive));
    Files.write(archive.resolve(segmentName(3) + ".partial"), segment(3));
    Files.write(archive.resolve("000000010000000000000002.00000028.backup"), "START WAL LOCATION: 0/2000028\n".getBytes());
    Files.write(archive.resolve("notes.txt"), "nothing".getBytes());
    Files.write(archive.resolve(segmentName(4)), new byte[12]);
    Files.createFile(archive.resolve("00000003.history"));
    byte[] declaresMore = segment(5);
    ByteBuffer.wrap(declaresMore).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(32, (int) (SIZE * 2));
    Files.write(archive.resolve(segmentName(5)), declaresMore);
    assertThat(toldUntilMarker()).isEmpty();
  }

  @Test
  void shouldTellEachDirectoryUnderItsOwnNameAndLeaveOutOneThatIsNotHere() throws Exception {
    watch(Map.of("pg", archive, "other", other, "elsewhere", archive.resolve("not-on-this-node")));
    assertThat(watch.watching()).containsExactlyInAnyOrder("pg", "other");
    Files.write(other.resolve(segmentName(6)), segment(6));
    assertThat(next()).isEqualTo("other/" + segmentName(6));
  }

  @Test
  void shouldKeepWatchingWhenTheListenerFails() throws Exception {
    List<String> seen = new ArrayList<>();
    watch = new ArchiveWatch(Map.of("pg", archive), (target, file) -> {
      seen.add(file);
      if (seen.size() == 1) {
        throw new IllegalStateException("the engine's database is away");
      }
      told.add(target + "/" + file);
    }).start();
    Files.write(archive.resolve(segmentName(7)), segment(7));
    Files.write(archive.resolve(segmentName(8)), segment(8));
    assertThat(next()).isEqualTo("pg/" + segmentName(8));
    assertThat(seen).containsExactly(segmentName(7), segmentName(8));
  }

  @Test
  void shouldNotTakeAFileGoneOrUnreadableForWal() throws IOException {
    assertThat(ArchiveWatch.arrived(archive.resolve(segmentName(9)))).isFalse();
    Files.createDirectory(archive.resolve(segmentName(10)));
    assertThat(ArchiveWatch.arrived(archive.resolve(segmentName(10)))).isFalse();
    Files.write(archive.resolve(segmentName(11)), segment(11));
    assertThat(ArchiveWatch.arrived(archive.resolve(segmentName(11)))).isTrue();
    Files.writeString(archive.resolve("00000004.history"), "3\t0/5000000\tno recovery target specified\n");
    assertThat(ArchiveWatch.arrived(archive.resolve("00000004.history"))).isTrue();
  }

  private void watch(Map<String, Path> directories) throws IOException {
    watch = new ArchiveWatch(directories, (target, file) -> told.add(target + "/" + file)).start();
  }

  /** What was told before a marker segment written now (renamed in whole) was told; the marker left out. */
  private List<String> toldUntilMarker() throws Exception {
    long number = 1000 + markers++;
    Path temporary = archive.resolve("marker.tmp");
    Files.write(temporary, segment(number));
    Files.move(temporary, archive.resolve(segmentName(number)), StandardCopyOption.ATOMIC_MOVE);
    List<String> before = new ArrayList<>();
    for (String file = next(); !file.equals("pg/" + segmentName(number)); file = next()) {
      before.add(file);
    }
    return before;
  }

  private String next() throws InterruptedException {
    String file = told.poll(10, TimeUnit.SECONDS);
    assertThat(file).as("a file told within 10 s").isNotNull();
    return file;
  }

  private static String segmentName(long number) {
    return WalNames.segmentName(1, number * SIZE, SIZE);
  }

  private static byte[] segment(long number) {
    byte[] bytes = new byte[(int) SIZE];
    System.arraycopy(WalNamesTest.header(0xD110, 1, number * SIZE, 7713998739877447964L, SIZE), 0, bytes, 0, WalNames.LONG_HEADER_BYTES);
    return bytes;
  }
}
