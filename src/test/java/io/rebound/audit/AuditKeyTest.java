package io.rebound.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.audit.AuditKey.AuditKeyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditKeyTest {

  static final String KEY = "0123456789abcdef0123456789abcdef";

  @TempDir Path directory;

  @Test
  void shouldTakeTheConfiguredKeyWithoutSurroundingSpace() {
    AuditKey key = AuditKey.load("  " + KEY + "\n", null, directory.resolve("generated.key"));

    assertThat(key.material()).isEqualTo(KEY);
    assertThat(key.id()).isEqualTo(new AuditKey(KEY).id());
    assertThat(directory.resolve("generated.key")).as("no key generated when one is configured").doesNotExist();
  }

  @Test
  void shouldReadTheKeyFromItsFile() throws Exception {
    Path file = Files.writeString(directory.resolve("secret"), KEY + "\n");

    AuditKey key = AuditKey.load(null, file, directory.resolve("generated.key"));

    assertThat(key.material()).isEqualTo(KEY);
    assertThat(directory.resolve("generated.key")).doesNotExist();
  }

  @Test
  void shouldTreatABlankKeyAsNoneSet() throws Exception {
    Path file = Files.writeString(directory.resolve("secret"), KEY);

    assertThat(AuditKey.load(" ", file, null).material()).isEqualTo(KEY);
  }

  @Test
  void shouldRefuseBothAKeyAndAKeyFile() throws Exception {
    Path file = Files.writeString(directory.resolve("secret"), KEY);

    assertThatThrownBy(() -> AuditKey.load(KEY, file, null)).isInstanceOf(AuditKeyException.class)
        .hasMessage("Both rebound.audit.hmac-key and rebound.audit.hmac-key-file are set");
  }

  @Test
  void shouldRefuseAKeyFileThatIsNotThere() {
    Path file = directory.resolve("absent");

    assertThatThrownBy(() -> AuditKey.load(null, file, directory.resolve("generated.key")))
        .isInstanceOf(AuditKeyException.class)
        .hasMessage("rebound.audit.hmac-key-file names " + file.toAbsolutePath() + ", which is not a readable file");
    assertThat(directory.resolve("generated.key")).as("a named key file is never generated").doesNotExist();
  }

  @Test
  void shouldRefuseADirectoryAsKeyFile() {
    assertThatThrownBy(() -> AuditKey.load(null, directory, null)).hasMessageContaining("which is not a readable file");
  }

  @Test
  void shouldRefuseAShortKey() {
    assertThatThrownBy(() -> AuditKey.load("too-short", null, null)).isInstanceOf(AuditKeyException.class)
        .hasMessage("The audit key is shorter than 32 bytes");
    assertThatThrownBy(() -> new AuditKey(KEY.substring(1))).isInstanceOf(AuditKeyException.class);
    assertThatThrownBy(() -> new AuditKey(null)).isInstanceOf(AuditKeyException.class);
    assertThat(new AuditKey(KEY).material()).as("exactly 32 bytes is enough").isEqualTo(KEY);
  }

  @Test
  void shouldSayWhichPropertiesToSetWhenNoKeyIsConfigured() {
    assertThatThrownBy(() -> AuditKey.load(null, null, null)).isInstanceOfSatisfying(AuditKeyException.class, e -> {
      assertThat(e.getMessage()).isEqualTo("No audit key is configured: the audit trail is MAC'd with a key kept outside the engine database");
      assertThat(e.action()).contains("rebound.audit.hmac-key-file", "rebound.audit.hmac-key", "REBOUND_AUDIT_HMACKEY", "openssl rand -base64 32");
    });
  }

  @Test
  void shouldGenerateAKeyOnceAndKeepIt() throws Exception {
    Path file = directory.resolve("keys/audit-hmac.key");

    AuditKey generated = AuditKey.load(null, null, file);
    AuditKey again = AuditKey.load(null, null, file);

    assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
    assertThat(generated.material()).isEqualTo(Files.readString(file).strip());
    assertThat(again.id()).isEqualTo(generated.id());
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (var files = Files.list(file.getParent())) {
      assertThat(files).as("no draft left behind").containsExactly(file);
    }
    assertThat(AuditKey.load(null, null, directory.resolve("other.key")).id()).as("each generated key is new").isNotEqualTo(generated.id());
  }

  @Test
  void shouldGiveNodesGeneratingAtOnceTheSameKey() throws Exception {
    Path file = directory.resolve("audit-hmac.key");
    int nodes = 6;
    CyclicBarrier together = new CyclicBarrier(nodes);
    ExecutorService threads = Executors.newFixedThreadPool(nodes);
    try {
      List<Future<String>> ids = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        Callable<String> start = () -> {
          together.await();
          return AuditKey.load(null, null, file).id();
        };
        ids.add(threads.submit(start));
      }
      List<String> seen = new ArrayList<>();
      for (Future<String> id : ids) {
        seen.add(id.get(30, TimeUnit.SECONDS));
      }
      assertThat(seen).containsOnly(new AuditKey(Files.readString(file).strip()).id());
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void shouldSayWhenTheKeyCannotBeGenerated() throws Exception {
    Path notADirectory = Files.writeString(directory.resolve("plain-file"), "x");

    assertThatThrownBy(() -> AuditKey.load(null, null, notADirectory.resolve("audit-hmac.key")))
        .isInstanceOf(AuditKeyException.class).hasMessageContaining("cannot be created");
  }

  @Test
  void shouldNeverShowTheKey() {
    AuditKey key = new AuditKey(KEY);

    assertThat(key.toString()).isEqualTo("AuditKey[id=" + key.id() + "]").doesNotContain(KEY);
    assertThat(key.id()).hasSize(16).isNotEqualTo(new AuditKey(KEY.toUpperCase()).id());
    assertThat(new AuditProperties(null, KEY, true, null, null).toString()).doesNotContain(KEY).contains("hmacKey=***");
    assertThat(new AuditProperties(null, null, true, null, null).toString()).contains("hmacKey=null");
  }

  @Test
  void shouldMacWithTheKey() {
    AuditKey key = new AuditKey(KEY);

    // as computed by: printf text | openssl dgst -sha256 -hmac 0123456789abcdef0123456789abcdef
    assertThat(key.mac("text")).isEqualTo("84919e7e08fb5a126d5f7263c112392d79bc659bf88c0e56376738ef436ea165");
    assertThat(key.id()).isEqualTo("b7f53cc6932277d5");
    assertThat(AuditKey.sameMac("abc", "abc")).isTrue();
    assertThat(AuditKey.sameMac("abc", "abd")).isFalse();
    assertThat(AuditKey.sameMac("abc", null)).isFalse();
  }
}
