package io.rebound.ops;

import io.rebound.api.ApiError;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The description of {@code /api} at {@code /v3/api-docs} and in Swagger UI: what the controllers' annotations say,
 * the login every call needs, and every error answered in one shape, {@link ApiError}.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

  static final String ERROR_SCHEMA = "ApiError";

  @Bean
  OpenAPI reboundApi() {
    return new OpenAPI()
        .info(new Info().title("Rebound API").description("Database recovery runbooks on Camunda 7: start runs, approve them, follow "
            + "them, read their audit trail. Every call needs a login: HTTP basic, or the session of the Camunda webapps (a change "
            + "made with a session carries the X-XSRF-TOKEN header)."))
        .components(new Components().addSecuritySchemes("basic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")))
        .addSecurityItem(new SecurityRequirement().addList("basic"));
  }

  /** Every operation answers 401 without a login; every error, whatever its status, is an {@link ApiError}. */
  @Bean
  OpenApiCustomizer errorsAsApiError() {
    return api -> {
      Map<String, Schema> schemas = ModelConverters.getInstance().read(ApiError.class);
      api.getComponents().addSchemas(ERROR_SCHEMA, schemas.get(ApiError.class.getSimpleName()));
      Content error = new Content().addMediaType("application/json",
          new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ERROR_SCHEMA)));
      if (api.getPaths() == null) {
        return;
      }
      api.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
        operation.getResponses().putIfAbsent("401", new ApiResponse().description("no login, or a wrong one"));
        operation.getResponses().forEach((status, response) -> {
          if (status.startsWith("4") || status.startsWith("5")) {
            response.setContent(error);
          }
        });
      }));
    };
  }
}
