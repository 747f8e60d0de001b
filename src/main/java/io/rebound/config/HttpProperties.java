package io.rebound.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of HTTP requests, under {@code rebound.http.*}.
 *
 * @param maxRequestBody the largest request body Rebound's API, the engine's REST API and the webapps' API take;
 *     a larger one is answered 413 before it is read
 */
@ConfigurationProperties("rebound.http")
public record HttpProperties(@DefaultValue("1MB") DataSize maxRequestBody) {}
