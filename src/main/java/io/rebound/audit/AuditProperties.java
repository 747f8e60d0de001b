package io.rebound.audit;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code rebound.audit.*}.
 *
 * @param hmacKeyFile a file holding the key the chain is MAC'd with (e.g. a mounted secret)
 * @param hmacKey the key itself (e.g. from {@code REBOUND_AUDIT_HMACKEY}); set this or {@code hmacKeyFile}
 * @param generateKey whether a key is generated into {@code generatedKeyFile} on first start when none is
 *     configured (off in production, where Rebound refuses to start without a key)
 * @param generatedKeyFile where that key is kept; {@code <work-directory>/audit-hmac.key} unless set
 * @param anchorFile where the trail's head is kept outside the engine database;
 *     {@code <work-directory>/audit-anchor.json} unless set
 */
@ConfigurationProperties("rebound.audit")
public record AuditProperties(
    Path hmacKeyFile,
    String hmacKey,
    @DefaultValue("true") boolean generateKey,
    Path generatedKeyFile,
    Path anchorFile) {

  @Override
  public String toString() {
    return "AuditProperties[hmacKeyFile=" + hmacKeyFile + ", hmacKey=" + (hmacKey == null ? null : Redactor.MASK) + ", generateKey="
        + generateKey + ", generatedKeyFile=" + generatedKeyFile + ", anchorFile=" + anchorFile + "]";
  }
}
