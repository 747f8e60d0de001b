package io.rebound.compare;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The threads a comparison hashes both sides of a batch on at once: one pair per table being compared,
 * managed by Spring (named, stopped with the application after the batches in flight end).
 */
@Configuration
class ComparisonExecutors {

  /** The bean's name, for the service that takes it. */
  static final String SIDES = "comparisonSides";

  @Bean(SIDES)
  ThreadPoolTaskExecutor comparisonSides() {
    ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
    executor.setThreadNamePrefix("rebound-compare-side-");
    executor.setDaemon(true);
    // As many threads as tables ask for, none kept idle: a side is a query that waits on its database.
    executor.setCorePoolSize(0);
    executor.setMaxPoolSize(Integer.MAX_VALUE);
    executor.setQueueCapacity(0);
    executor.setKeepAliveSeconds(60);
    executor.setWaitForTasksToCompleteOnShutdown(true);
    executor.setAwaitTerminationSeconds(30);
    return executor;
  }
}
