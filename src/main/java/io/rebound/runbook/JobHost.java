package io.rebound.runbook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The host a node runs on, as detached jobs record it, and the heartbeat rules it keeps. Two nodes are on the
 * same host only when both the host id and the boot id agree: only then may one judge a pid the other
 * recorded.
 *
 * @param id the configured host id, or the machine's host name
 * @param boot the kernel's boot id, empty where the system has none
 */
public record JobHost(String id, String boot, Duration heartbeatInterval, Duration staleAfter) {

  static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
  static final Path HOST_NAME = Path.of("/proc/sys/kernel/hostname");

  public JobHost {
    boot = boot == null ? "" : boot;
  }

  /** This machine, with the configured id and heartbeat rules. */
  public static JobHost of(NodeProperties properties) {
    String id = properties.hostId() != null ? properties.hostId() : machineHostName();
    return new JobHost(id, firstLine(BOOT_ID), properties.heartbeatInterval(), properties.heartbeatStaleAfter());
  }

  /** True when a job recorded by {@code host} booted as {@code boot} runs on this very host and boot. */
  boolean isThisHost(String host, String boot) {
    return id.equals(host) && this.boot.equals(boot == null ? "" : boot);
  }

  /** The host name of this machine, reduced to what a host id may hold. */
  static String machineHostName() {
    return hostId(firstLine(HOST_NAME), System.getenv("HOSTNAME"));
  }

  /** The kernel's host name, else the environment's, as a host id; "localhost" when neither makes one. */
  static String hostId(String kernel, String environment) {
    String name = kernel.isEmpty() && environment != null ? environment : kernel;
    name = name.replaceAll("[^A-Za-z0-9._:-]", "-");
    return NodeProperties.HOST_ID.matcher(name).matches() ? name : "localhost";
  }

  private static String firstLine(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
