package io.rebound.backup.postgresql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees WAL land in archive directories as the server's {@code archive_command} writes it, and says so once per file:
 * a segment once it is whole (its size is the one its header declares, however it was written: copied in place or
 * renamed into the directory), a history file once it is there. Engine-free: what follows an arrival is the
 * listener's. An arrival the watch misses (a directory on a network file system, events lost under load) is only
 * shipped later, by the shipping timer: the watch is a shortcut, never the only way WAL leaves the host.
 */
public final class ArchiveWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ArchiveWatch.class);
  /** How many file names per directory are remembered as told, so that a file written in several steps is told once. */
  static final int REMEMBERED = 4096;

  private final WatchService watcher;
  private final Map<WatchKey, Watched> keys = new ConcurrentHashMap<>();
  private final BiConsumer<String, String> arrived;
  private final Thread thread;

  private record Watched(String name, Path directory, Map<String, Boolean> told) {}

  /**
   * Watches each directory under its name (a target's); {@code arrived} is called on the watch's own thread with that
   * name and the file's, once per whole file, and with no file name when the system lost events of the directory. A
   * directory that does not exist is left out, saying so.
   */
  public ArchiveWatch(Map<String, Path> directories, BiConsumer<String, String> arrived) throws IOException {
    this.watcher = java.nio.file.FileSystems.getDefault().newWatchService();
    this.arrived = arrived;
    for (Map.Entry<String, Path> entry : directories.entrySet()) {
      Path directory = entry.getValue();
      if (!Files.isDirectory(directory)) {
        LOG.info("Archive directory {} of {} is not on this node: its WAL is shipped by the timer alone", directory, entry.getKey());
        continue;
      }
      try {
        WatchKey key = directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        keys.put(key, new Watched(entry.getKey(), directory, remembered()));
      } catch (IOException | RuntimeException e) {
        // The system's limit of watches reached, or no right to read the directory.
        LOG.warn("Archive directory {} of {} cannot be watched ({}): its WAL is shipped by the timer alone", directory, entry.getKey(),
            e.toString());
      }
    }
    this.thread = new Thread(this::run, "rebound-archive-watch");
    thread.setDaemon(true);
  }

  /** The names of the directories watched. */
  public java.util.Set<String> watching() {
    return keys.values().stream().map(Watched::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  public ArchiveWatch start() {
    if (!keys.isEmpty()) {
      thread.start();
    }
    return this;
  }

  private void run() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        WatchKey key = watcher.take();
        Watched watched = keys.get(key);
        if (watched != null) {
          try {
            handle(watched, key);
          } catch (RuntimeException e) {
            LOG.warn("Arrivals in {} of {} could not be read: {}", watched.directory(), watched.name(), e.toString());
          }
        }
        if (!key.reset()) {
          LOG.warn("Archive directory {} of {} can no longer be watched: its WAL is shipped by the timer alone", watched == null ? "?"
              : watched.directory(), watched == null ? "?" : watched.name());
          keys.remove(key);
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException stopped) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(Watched watched, WatchKey key) {
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        tell(watched, null);
        continue;
      }
      String name = event.context().toString();
      if (!watched.told().containsKey(name) && arrived(watched.directory().resolve(name))) {
        watched.told().put(name, Boolean.TRUE);
        tell(watched, name);
      }
    }
  }

  private void tell(Watched watched, String file) {
    try {
      arrived.accept(watched.name(), file);
    } catch (RuntimeException e) {
      LOG.warn("Arrival of WAL for {} could not be handed on: {}", watched.name(), e.toString());
    }
  }

  /** Whether a file is WAL the archive holds whole: a history file, or a segment as long as its header declares. */
  static boolean arrived(Path file) {
    String name = file.getFileName().toString();
    try {
      if (WalNames.historyTimeline(name).isPresent()) {
        return Files.isRegularFile(file) && Files.size(file) > 0;
      }
      if (!WalNames.isSegment(name) || !Files.isRegularFile(file)) {
        return false;
      }
      long size = Files.size(file);
      return header(file).map(header -> header.segmentSize() == size).orElse(false);
    } catch (IOException gone) {
      // Renamed or removed while looked at: whatever took its place sends an event of its own.
      return false;
    }
  }

  private static Optional<WalNames.Header> header(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(WalNames.LONG_HEADER_BYTES);
      return bytes.length < WalNames.LONG_HEADER_BYTES ? Optional.empty() : Optional.of(WalNames.Header.read(bytes));
    }
  }

  private static Map<String, Boolean> remembered() {
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > REMEMBERED;
      }
    };
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      watcher.close();
    } catch (IOException e) {
      LOG.debug("closing the archive watch: {}", e.toString());
    }
  }
}
