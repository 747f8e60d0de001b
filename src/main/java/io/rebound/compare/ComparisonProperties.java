package io.rebound.compare;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code rebound.comparison.*}.
 *
 * @param maxChunkSize the most table a chunk takes, as the source's statistics tell its rows' average
 *     size: a table of wide rows (large text, LOBs) gets chunks of fewer rows than asked, so that a chunk
 *     stays a matter of seconds, well inside the job executor's lock time
 */
@ConfigurationProperties("rebound.comparison")
public record ComparisonProperties(@DefaultValue("256MB") DataSize maxChunkSize) {}
