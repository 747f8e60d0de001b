package io.rebound.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;

/**
 * How Rebound's API reads JSON request bodies: stricter than the application's shared mapper, which also
 * reads what Rebound stored itself. A body must end where its JSON value ends ({@code {"approved":true} x} is
 * refused, not read as its first part), and a yes/no field takes {@code true} or {@code false}, never a number
 * ({@code "approved": 2} would otherwise read as an approval).
 */
@Configuration
class StrictRequestJson {

  @Bean
  MappingJackson2HttpMessageConverter mappingJackson2HttpMessageConverter(ObjectMapper shared) {
    return new MappingJackson2HttpMessageConverter(strict(shared));
  }

  static ObjectMapper strict(ObjectMapper shared) {
    ObjectMapper strict = shared.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    strict.coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    return strict;
  }
}
