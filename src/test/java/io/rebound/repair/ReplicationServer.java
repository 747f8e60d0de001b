package io.rebound.repair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.repair.reference.Mailbox;
import io.rebound.repair.reference.Replica;
import io.rebound.repair.reference.ReplicaCodec;
import io.rebound.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server of the hub-and-spoke replication, as the tests need it: over the mailboxes in a real S3 server
 * it takes each workstation's received replicas into the common stream (numbering them), offers the stream to
 * every workstation, drops what a workstation confirmed reading or what it streamed (as a real server
 * would), and answers retransmission requests from its archive when asked to.
 */
final class ReplicationServer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectStore store;
  private final Map<String, Mailbox> mailboxes = new LinkedHashMap<>();
  private final List<byte[]> stream = new ArrayList<>();
  private final Map<String, TreeMap<Long, byte[]>> receivedFrom = new LinkedHashMap<>();

  ReplicationServer(ObjectStore store) {
    this.store = store;
  }

  Mailbox mailbox(String workstation) {
    return mailboxes.computeIfAbsent(workstation, id -> {
      receivedFrom.put(id, new TreeMap<>());
      return new Mailbox(store, "mailboxes/" + id);
    });
  }

  /** Takes what every workstation sent into the common stream, offers it to all, and drops what is no longer needed. */
  synchronized void cycle() {
    for (Map.Entry<String, Mailbox> entry : mailboxes.entrySet()) {
      Mailbox mailbox = entry.getValue();
      TreeMap<Long, byte[]> archive = receivedFrom.get(entry.getKey());
      for (Map.Entry<Long, String> received : mailbox.replicas("received/").entrySet()) {
        long number = received.getKey();
        byte[] bytes = mailbox.replica("received/", number).orElseThrow();
        if (!archive.containsKey(number)) {
          Replica replica = ReplicaCodec.decode(bytes, "received " + number);
          archive.put(number, bytes);
          byte[] streamed = ReplicaCodec.encode(replica.inStream(stream.size() + 1));
          stream.add(streamed);
          for (Mailbox to : mailboxes.values()) {
            to.putReplica("stream/", stream.size(), streamed);
          }
        }
        mailbox.delete("received/" + Mailbox.replicaName(number));
      }
    }
    for (Mailbox mailbox : mailboxes.values()) {
      long read = mailbox.figure("state/read-up-to");
      for (long number : mailbox.replicas("stream/").headMap(read, true).keySet()) {
        mailbox.delete("stream/" + Mailbox.replicaName(number));
      }
    }
  }

  /** Answers every open retransmission request from the archive: stream entries for QueIn, the workstation's own for QueOut. */
  synchronized int answerRetransmissions() {
    int answered = 0;
    for (Map.Entry<String, Mailbox> entry : mailboxes.entrySet()) {
      Mailbox mailbox = entry.getValue();
      for (Map.Entry<String, byte[]> request : mailbox.requests().entrySet()) {
        JsonNode body = read(request.getValue());
        long from = body.get("from").asLong();
        long to = body.get("to").isNull() ? Long.MAX_VALUE : body.get("to").asLong();
        if (body.get("queue").asText().equals(Gap.QUE_IN)) {
          for (long n = from; n <= Math.min(to, stream.size()); n++) {
            mailbox.putReplica("retransmission/answers/in/", n, stream.get((int) n - 1));
          }
        } else {
          receivedFrom.get(entry.getKey()).subMap(from, true, to, true)
              .forEach((n, bytes) -> mailbox.putReplica("retransmission/answers/out/", n, bytes));
        }
        mailbox.delete("retransmission/requests/" + request.getKey());
        answered++;
      }
    }
    return answered;
  }

  synchronized int streamLength() {
    return stream.size();
  }

  private static JsonNode read(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
