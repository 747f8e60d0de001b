package io.rebound.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnchorFileTest {

  @TempDir Path directory;

  @Test
  void shouldReadNothingWhereNoAnchorWasWritten() {
    assertThat(new AnchorFile(directory.resolve("anchor.json")).read()).isEmpty();
  }

  @Test
  void shouldReplaceTheAnchorWholeAndLeaveNoDraftBehind() throws Exception {
    Path file = directory.resolve("shared/jobs/anchor.json");
    AnchorFile anchor = new AnchorFile(file);

    anchor.write("first");
    anchor.write("second, longer than the first");

    assertThat(anchor.read()).contains("second, longer than the first");
    assertThat(Files.readString(file)).isEqualTo("second, longer than the first");
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
    assertThat(anchor.location()).isEqualTo(file.toAbsolutePath().toString());
  }

  @Test
  void shouldFailWhenTheAnchorCannotBeWrittenOrRead() throws Exception {
    Path blocker = Files.writeString(directory.resolve("not-a-directory"), "x");
    AnchorFile anchor = new AnchorFile(blocker.resolve("anchor.json"));

    assertThatThrownBy(() -> anchor.write("text")).isInstanceOf(UncheckedIOException.class)
        .hasMessage("cannot write the audit anchor " + blocker.resolve("anchor.json"));
    assertThatThrownBy(() -> new AnchorFile(directory).read()).isInstanceOf(UncheckedIOException.class)
        .hasMessage("cannot read the audit anchor " + directory);
  }
}
