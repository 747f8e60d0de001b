package io.rebound.recovery.oracle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** RMAN of an Oracle container, run from here as a target's {@code rman-command}, for the tests that have Docker. */
final class RmanInContainer {

  private RmanInContainer() {}

  /**
   * A script that runs the container's RMAN as its {@code oracle} user with the arguments it is given; what either side
   * writes in the shared work directory stays readable and writable by both.
   */
  static void write(Path script, String containerId, Path work) throws IOException {
    Files.writeString(script, String.join("\n",
        "#!/bin/sh",
        "docker exec -u root " + containerId + " chmod -R a+rwX " + work,
        "docker exec -u oracle -e NLS_LANG -e NLS_DATE_FORMAT " + containerId + " rman \"$@\"",
        "code=$?",
        "docker exec -u root " + containerId + " chmod -R a+rwX " + work,
        "exit $code",
        ""));
    script.toFile().setExecutable(true);
  }

  static boolean dockerCommandLine() {
    try {
      return new ProcessBuilder("docker", "version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
