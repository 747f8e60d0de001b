package io.rebound.audit;

import io.rebound.storage.S3StorageProperties;
import io.rebound.target.Target;
import io.rebound.target.Targets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Removes secrets from text before it is written anywhere lasting: every configured password and the audit
 * key by value, and anything shaped like a password in SQL, URLs or key=value text.
 */
@Component
public class Redactor {

  static final String MASK = "***";
  private static final List<Pattern> SHAPES = List.of(
      Pattern.compile("(?i)(identified\\s+by\\s+)(\"[^\"]*\"|\\S+)"),
      Pattern.compile("(?i)(password\\s+)('(?:[^']|'')*')"),
      Pattern.compile("(?i)((?:password|passwd|pwd|secret)\\s*[=:]\\s*)([^\\s,;&\"'}]+)"),
      Pattern.compile("(?i)(\"(?:password|passwd|pwd|secret)\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\")"),
      Pattern.compile("(//[^/:@\\s]+:)([^@/\\s]+)(@)"));

  private final Targets targets;
  private final AuditKey auditKey;
  private final S3StorageProperties storage;

  public Redactor(Targets targets) {
    this(targets, null);
  }

  Redactor(Targets targets, AuditKey auditKey) {
    this(targets, auditKey, null);
  }

  @Autowired
  Redactor(Targets targets, AuditKey auditKey, S3StorageProperties storage) {
    this.targets = targets;
    this.auditKey = auditKey;
    this.storage = storage;
  }

  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : secrets()) {
      result = result.replace(secret, MASK);
    }
    for (Pattern shape : SHAPES) {
      Matcher matcher = shape.matcher(result);
      StringBuilder out = new StringBuilder();
      while (matcher.find()) {
        String replacement = matcher.group(1) + MASK + (matcher.groupCount() >= 3 ? matcher.group(3) : "");
        matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      matcher.appendTail(out);
      result = out.toString();
    }
    return result;
  }

  private List<String> secrets() {
    List<String> secrets = new ArrayList<>();
    if (auditKey != null) {
      addSecret(secrets, auditKey.material());
    }
    if (storage != null) {
      addSecret(secrets, storage.secretAccessKey());
    }
    for (Target target : targets.all()) {
      addSecret(secrets, safely(target::password));
      addSecret(secrets, safely(target::comparisonPassword));
      target.properties().userPasswords().keySet().forEach(user -> addSecret(secrets, safely(() -> target.userPassword(user).orElse(null))));
      target.properties().userPasswordFiles().keySet().forEach(user -> addSecret(secrets, safely(() -> target.userPassword(user).orElse(null))));
    }
    // Longest first, so a password containing another is masked whole.
    secrets.sort(Comparator.comparingInt(String::length).reversed());
    return secrets;
  }

  private static void addSecret(List<String> secrets, String secret) {
    // Very short values would mask ordinary words; such passwords are caught by the shapes instead.
    if (secret != null && secret.length() >= 4 && !secrets.contains(secret)) {
      secrets.add(secret);
    }
  }

  private static String safely(java.util.function.Supplier<String> supplier) {
    try {
      return supplier.get();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
