package io.rebound.repair.reference;

import io.rebound.repair.Gap;
import io.rebound.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The server side of one workstation: objects under its mailbox prefix in the object store.
 * <pre>
 * stream/NNNNNNNNNNNNNNNNNNNN.replica             the common stream offered to this workstation, by stream number
 * received/NNNNNNNNNNNNNNNNNNNN.replica           our replicas the server received and has not yet put in the stream
 * state/read-up-to, state/sent-up-to              the server's figures for this workstation (a number)
 * retransmission/requests/QUEUE-FROM-TO.json      replicas we ask for again
 * retransmission/answers/in|out/NNNN....replica   the server's answers: stream entries, our own replicas
 * </pre>
 * The server may drop stream entries up to "read up to" and received replicas it has streamed: what the
 * workstation lost after that comes back only by retransmission.
 */
public final class Mailbox {

  static final String STREAM = "stream/";
  static final String RECEIVED = "received/";
  static final String READ_UP_TO = "state/read-up-to";
  static final String SENT_UP_TO = "state/sent-up-to";
  static final String REQUESTS = "retransmission/requests/";
  static final String ANSWERS_IN = "retransmission/answers/in/";
  static final String ANSWERS_OUT = "retransmission/answers/out/";

  private final ObjectStore store;
  private final String prefix;

  public Mailbox(ObjectStore store, String prefix) {
    this.store = store;
    this.prefix = prefix;
  }

  public String key(String relative) {
    return store.key(prefix + "/" + relative);
  }

  public static String replicaName(long number) {
    return String.format("%020d.replica", number);
  }

  /** The numbers and keys of the replicas under a folder of the mailbox, in order. */
  public TreeMap<Long, String> replicas(String folder) {
    TreeMap<Long, String> numbered = new TreeMap<>();
    String base = key(folder);
    for (String key : store.list(base).keySet()) {
      String name = key.substring(base.length());
      if (name.matches("\\d{20}\\.replica")) {
        numbered.put(Long.parseLong(name.substring(0, 20)), key);
      }
    }
    return numbered;
  }

  public Optional<byte[]> replica(String folder, long number) {
    String key = key(folder + replicaName(number));
    return store.head(key).map(head -> store.get(key));
  }

  public void putReplica(String folder, long number, byte[] bytes) {
    store.put(key(folder + replicaName(number)), bytes, "application/gzip");
  }

  public void delete(String relative) {
    store.delete(key(relative));
  }

  public long figure(String name) {
    String key = key(name);
    return store.head(key).map(head -> Long.parseLong(new String(store.get(key), StandardCharsets.US_ASCII).trim())).orElse(0L);
  }

  public void setFigure(String name, long value) {
    store.put(key(name), Long.toString(value).getBytes(StandardCharsets.US_ASCII), "text/plain");
  }

  public static String requestName(Gap gap) {
    return gap.queue() + "-" + gap.from() + "-" + (gap.openEnded() ? "end" : String.valueOf(gap.to())) + ".json";
  }

  public void request(Gap gap) {
    String key = key(REQUESTS + requestName(gap));
    if (store.head(key).isEmpty()) {
      String body = "{\"queue\":\"" + gap.queue() + "\",\"from\":" + gap.from() + ",\"to\":" + (gap.openEnded() ? "null" : gap.to()) + "}";
      store.put(key, body.getBytes(StandardCharsets.UTF_8), "application/json");
    }
  }

  /** The open retransmission requests: key to body. */
  public Map<String, byte[]> requests() {
    Map<String, byte[]> requests = new TreeMap<>();
    for (String key : store.list(key(REQUESTS)).keySet()) {
      requests.put(key.substring(key(REQUESTS).length()), store.get(key));
    }
    return requests;
  }
}
