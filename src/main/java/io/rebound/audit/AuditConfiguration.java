package io.rebound.audit;

import io.rebound.config.ReboundProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The audit key and the anchor, from {@code rebound.audit.*}; both default to files in the work directory. */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

  @Bean
  AuditKey auditKey(AuditProperties audit, ReboundProperties rebound) {
    return AuditKey.load(audit.hmacKey(), audit.hmacKeyFile(), !audit.generateKey() ? null
        : audit.generatedKeyFile() != null ? audit.generatedKeyFile() : rebound.workDirectory().resolve("audit-hmac.key"));
  }

  @Bean
  AuditAnchor auditAnchor(AuditProperties audit, ReboundProperties rebound) {
    return new AnchorFile(audit.anchorFile() != null ? audit.anchorFile() : rebound.workDirectory().resolve("audit-anchor.json"));
  }
}
