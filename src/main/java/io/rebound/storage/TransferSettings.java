package io.rebound.storage;

/**
 * How transfers are cut: the part (and download range) size and how many go at once. Memory in use is about
 * {@code partSize * parallelism}.
 */
public record TransferSettings(int partSize, int parallelism) {

  /** 16 MiB parts, 4 at once. */
  public static final TransferSettings DEFAULT = new TransferSettings(16 * 1024 * 1024, 4);

  public TransferSettings {
    if (partSize < 1 || parallelism < 1) {
      throw new IllegalArgumentException("part size and parallelism must be positive");
    }
  }
}
