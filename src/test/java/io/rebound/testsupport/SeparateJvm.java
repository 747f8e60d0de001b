package io.rebound.testsupport;

import static org.awaitility.Awaitility.await;

import io.rebound.ReboundApplication;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Rebound in a JVM of its own, on the test's classpath, for tests that kill it the way power loss or the OOM
 * killer does ({@code kill -9}): nothing in it runs after the signal, no shutdown hook, no bean's destroy.
 * Its output goes to a log file beside the test's data.
 */
public final class SeparateJvm implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private SeparateJvm(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts Rebound; properties go as command-line arguments (a {@code server.port} is chosen). Returns at
   * once: {@link #awaitUp} waits for it to answer.
   */
  public static SeparateJvm start(Map<String, ?> properties, Path log) {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        // Starts sooner and stays small: the machine runs other builds at the same time.
        "-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", classPath(), ReboundApplication.class.getName()));
    properties.forEach((key, value) -> command.add("--" + key + "=" + value));
    command.add("--server.port=" + port);
    command.add("--spring.main.banner-mode=off");
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      SeparateJvm jvm = new SeparateJvm(process, port, log);
      // Never left behind by a test that fails or a build that is stopped.
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      return jvm;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the application answers {@code path} for the user with 200; fails at once if the JVM ends. */
  public SeparateJvm awaitUp(String path, String user, String password, Duration within) {
    Http http = new Http(port);
    try {
      await().atMost(within).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .failFast("Rebound ended before it answered", () -> !process.isAlive())
          .until(() -> http.get(path, user, password).status() == 200);
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the end of its log " + log + ":\n" + tail(), e);
    }
    return this;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /** SIGKILL, and waits until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("pid " + process.pid() + " still runs after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The end of its log, for a failure message. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  /**
   * The test's class path, each entry once. The test runner may start the test JVM with a jar whose manifest
   * lists the class path: Spring would then find each resource through the jar and through the listed
   * directory, and Camunda would deploy every process twice.
   */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      String listed = null;
      if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
        try (JarFile jar = new JarFile(path.toFile())) {
          Manifest manifest = jar.getManifest();
          listed = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (listed == null) {
        entries.add(entry);
        continue;
      }
      for (String url : listed.trim().split("\\s+")) {
        entries.add(Path.of(path.toUri().resolve(url)).toString());
      }
    }
    return String.join(File.pathSeparator, entries.stream().distinct().toList());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
