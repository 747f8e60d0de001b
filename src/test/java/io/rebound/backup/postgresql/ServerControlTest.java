package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerControlTest {

  @TempDir
  Path directory;

  @Test
  void shouldAskAgainWhileTheStartingServersPidFileIsEmpty() throws IOException {
    // pg_ctl status as it answers while a server starts: twice "the PID file is empty", then running.
    ServerControl server = new ServerControl(pgCtl("""
        n=$(cat "$COUNT" 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > "$COUNT"
        if [ "$n" -le 2 ]; then echo "pg_ctl: the PID file \\"$3/postmaster.pid\\" is empty"; exit 1; fi
        echo "pg_ctl: server is running (PID: 4242)"; exit 0
        """), directory.resolve("data"), null, "postgres");

    assertThat(server.running()).isTrue();
    assertThat(Files.readString(directory.resolve("count")).strip()).isEqualTo("3");
  }

  @Test
  void shouldTellStoppedOnlyWhenPgCtlSaysNoServerRuns() throws IOException {
    ServerControl stopped = new ServerControl(pgCtl("echo 'pg_ctl: no server running'; exit 3"), directory.resolve("data"), null,
        "postgres");

    assertThat(stopped.running()).isFalse();
  }

  @Test
  void shouldRefuseWhenPgCtlKeepsAnsweringSomethingElse() throws IOException {
    ServerControl unreadable = new ServerControl(pgCtl("""
        n=$(cat "$COUNT" 2>/dev/null || echo 0); echo $((n+1)) > "$COUNT"
        echo "pg_ctl: could not open PID file: Permission denied"; exit 1
        """), directory.resolve("data"), null, "postgres");

    assertThatThrownBy(unreadable::running).isInstanceOf(IOException.class)
        .hasMessageContaining("cannot tell whether a server runs on " + directory.resolve("data"))
        .hasMessageContaining("ended with 1 " + ServerControl.STATUS_ATTEMPTS + " times in a row: pg_ctl: could not open PID file");
    assertThat(Files.readString(directory.resolve("count")).strip()).isEqualTo(String.valueOf(ServerControl.STATUS_ATTEMPTS));
  }

  /** A pg_ctl in its own directory running {@code body}, counting its calls in {@code count} beside it. */
  private Path pgCtl(String body) throws IOException {
    Path bin = Files.createDirectories(directory.resolve("bin"));
    Path script = bin.resolve("pg_ctl");
    Files.writeString(script, "#!/bin/sh\nCOUNT='" + directory.resolve("count") + "'\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }
}
