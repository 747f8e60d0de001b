package io.rebound.storage;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The object store, when a bucket is configured ({@code rebound.storage.s3.bucket}). */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "rebound.storage.s3", name = "bucket")
  ObjectStore objectStore(S3StorageProperties settings, ObjectProvider<MeterRegistry> registry) {
    return new ObjectStore(S3Clients.create(settings, List.of()), settings, TransferSettings.DEFAULT, Clock.systemUTC(),
        registry.getIfAvailable());
  }
}
