package io.rebound.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RangeDigestTest {

  @TempDir
  Path directory;

  @Test
  void shouldHashTheWholeFileWhateverOrderItsRangesFinishIn() throws Exception {
    for (int size : new int[] {1, 999, 1000, 1001, 5 * 1000 + 17, (1 << 20) * 2 + 3}) {
      Path file = file(size, size);
      int rangeSize = size > 1 << 20 ? 1 << 19 : 1000;
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        RangeDigest digest = new RangeDigest(channel, size, rangeSize);
        List<Integer> order = IntStream.range(0, (size + rangeSize - 1) / rangeSize).boxed().collect(ArrayList::new, List::add, List::addAll);
        Collections.shuffle(order, new Random(size));
        for (int range : order) {
          digest.finished(range);
        }
        assertThat(digest.sha256Hex()).as("size %d", size).isEqualTo(Checksums.sha256Hex(file));
      }
    }
  }

  @Test
  void shouldHashEveryRangeOnceWhenThreadsFinishThemAtOnce() throws Exception {
    int rangeSize = 4096;
    int ranges = 400;
    Path file = file(rangeSize * ranges - 5, 7);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int round = 0; round < 20; round++) {
        RangeDigest digest = new RangeDigest(channel, Files.size(file), rangeSize);
        List<Callable<Void>> finishes = new ArrayList<>();
        for (int range = ranges - 1; range >= 0; range--) {
          int index = range;
          finishes.add(() -> {
            digest.finished(index);
            return null;
          });
        }
        Collections.shuffle(finishes, new Random(round));
        for (Future<Void> finish : pool.invokeAll(finishes)) {
          finish.get();
        }
        assertThat(digest.sha256Hex()).isEqualTo(Checksums.sha256Hex(file));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldGiveNoChecksumBeforeEveryRangeIsIn() throws Exception {
    Path file = file(3000, 1);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      RangeDigest digest = new RangeDigest(channel, 3000, 1000);
      digest.finished(0);
      digest.finished(2);
      assertThatThrownBy(digest::sha256Hex).isInstanceOf(IllegalStateException.class).hasMessage("only 1 of 3 ranges are hashed");
      digest.finished(1);
      assertThat(digest.sha256Hex()).isEqualTo(Checksums.sha256Hex(file));
    }
  }

  @Test
  void shouldHashAnEmptyFileAsItsOneEmptyRange() throws Exception {
    Path file = file(0, 1);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      RangeDigest digest = new RangeDigest(channel, 0, 1000);
      digest.finished(0);
      assertThat(digest.sha256Hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
  }

  @Test
  void shouldNotMatchWhenTheFileIsShorterThanItsRanges() throws Exception {
    Path whole = file(2500, 3);
    Path cut = directory.resolve("cut");
    Files.write(cut, Files.readAllBytes(whole), StandardOpenOption.CREATE);
    try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.WRITE)) {
      channel.truncate(2200);
    }
    try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.READ)) {
      RangeDigest digest = new RangeDigest(channel, 2500, 1000);
      for (int range = 0; range < 3; range++) {
        digest.finished(range);
      }
      assertThat(digest.sha256Hex()).isNotEqualTo(Checksums.sha256Hex(whole)).isEqualTo(Checksums.sha256Hex(cut));
    }
  }

  @Test
  void shouldRefuseARangeThatIsNotOneOfTheFiles() throws Exception {
    Path file = file(2000, 1);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      RangeDigest digest = new RangeDigest(channel, 2000, 1000);
      assertThatThrownBy(() -> digest.finished(2)).isInstanceOf(IllegalArgumentException.class).hasMessage("range 2 is not one of the 2");
      assertThatThrownBy(() -> digest.finished(-1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RangeDigest(channel, 10, 0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RangeDigest(channel, -1, 10)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void shouldReportAFailedReadAndGiveNoChecksumAfterIt() throws Exception {
    Path file = file(2000, 1);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    RangeDigest digest = new RangeDigest(channel, 2000, 1000);
    channel.close();
    assertThatThrownBy(() -> digest.finished(0)).isInstanceOf(IOException.class);
    digest.finished(1);
    assertThatThrownBy(digest::sha256Hex).isInstanceOf(IOException.class);
  }

  private Path file(int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    Path file = directory.resolve("file-" + size + "-" + seed);
    Files.write(file, bytes);
    return file;
  }
}
