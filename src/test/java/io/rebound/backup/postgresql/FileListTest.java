package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileListTest {

  private static final String SHA = "a".repeat(64);

  @TempDir Path directory;

  @Test
  void shouldReadBackWhatItWrites() throws Exception {
    Map<String, FileList.Entry> files = new LinkedHashMap<>();
    files.put("global/pg_control", new FileList.Entry(8192, SHA));
    files.put("base/1/1259", new FileList.Entry(0, "b".repeat(64)));
    FileList list = new FileList(List.of("pg_wal", "base/1"), files);

    list.write(directory.resolve(FileList.NAME));
    FileList read = FileList.read(directory.resolve(FileList.NAME));

    assertThat(read.directories()).containsExactly("pg_wal", "base/1");
    assertThat(read.files()).containsExactlyEntriesOf(files);
    assertThat(read.file("base/1/1259")).contains(new FileList.Entry(0, "b".repeat(64)));
    assertThat(read.file("base/1/1260")).isEmpty();
    assertThat(list.format()).startsWith("# rebound postgresql file list 1\nD\tpg_wal\nD\tbase/1\nF\t" + SHA + "\t8192\tglobal/pg_control\n");
  }

  @Test
  void shouldRefusePathsThatLeaveTheDataDirectory() {
    for (String path : new String[] {"", "/etc/passwd", "../x", "base/../../x", "base//1", "base/./1", "base/1/", ".", "..",
        "base\\1", "base/1\n2", "base/\t", "a".repeat(1001), "x\u007f"}) {
      assertThatThrownBy(() -> FileList.checkPath(path)).as(path).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> FileList.checkPath(null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(FileList.checkPath("base/16384/2608_fsm")).isEqualTo("base/16384/2608_fsm");
    assertThat(FileList.checkPath("..data")).isEqualTo("..data");
    assertThat(FileList.checkPath("a".repeat(1000))).hasSize(1000);
    assertThatThrownBy(() -> new FileList(List.of("../up"), Map.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FileList(List.of(), Map.of("/abs", new FileList.Entry(1, SHA))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRefuseAListThatIsNotOne() {
    assertThatThrownBy(() -> FileList.parse("F\t" + SHA + "\t1\tx\n")).hasMessageContaining("does not begin with");
    assertThatThrownBy(() -> FileList.parse("")).hasMessageContaining("does not begin with");
    String header = "# rebound postgresql file list 1\n";
    assertThatThrownBy(() -> FileList.parse(header + "F\t" + SHA + "\t1\tx\nF\t" + SHA + "\t2\tx\n")).hasMessageContaining("names x twice");
    assertThatThrownBy(() -> FileList.parse(header + "F\t" + "A".repeat(64) + "\t1\tx\n")).hasMessageContaining("line 2");
    assertThatThrownBy(() -> FileList.parse(header + "F\t" + SHA + "\t-1\tx\n")).hasMessageContaining("line 2");
    assertThatThrownBy(() -> FileList.parse(header + "F\t" + SHA + "\t1\n")).hasMessageContaining("line 2");
    assertThatThrownBy(() -> FileList.parse(header + "D\ta\tb\n")).hasMessageContaining("line 2");
    assertThatThrownBy(() -> FileList.parse(header + "X\ta\n")).hasMessageContaining("line 2");
    assertThatThrownBy(() -> FileList.parse(header + "D\t../a\n")).isInstanceOf(IllegalArgumentException.class);
    assertThat(FileList.parse(header + "\nD\ta\n\n").directories()).containsExactly("a");
  }
}
