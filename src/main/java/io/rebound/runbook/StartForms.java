package io.rebound.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.camunda.bpm.spring.boot.starter.configuration.impl.DefaultDeploymentConfiguration;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ContextResource;
import org.springframework.core.io.Resource;

/**
 * The deployment of the models and forms, with the start forms' pick-lists written in. Tasklist hands a form the
 * variables of a task only; a start form gets none, so a select cannot read its options from variables there. The
 * options a start form needs are configuration (targets, restore profiles, workstations), which changes only with a
 * restart: they are written into the form as it is deployed, with its model, so that {@code formRefBinding=
 * "deployment"} still holds. The same configuration gives the same bytes and deploys nothing new; a changed one
 * deploys the models and forms again, as a changed model does.
 *
 * <p>A select asks for a list with {@code "properties": {"choices": "<list>"}}; a list no {@link FormChoices}
 * offers stops the start, naming the form and the field. An empty list leaves the select empty and says so in
 * its description: nothing configured can be picked.
 */
public class StartForms extends DefaultDeploymentConfiguration {

  static final String CHOICES = "choices";
  static final String NONE_CONFIGURED = "Nothing configured can be picked here yet.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<Map<String, List<FormChoices.Choice>>> lists;

  public StartForms(Supplier<Map<String, List<FormChoices.Choice>>> lists) {
    this.lists = lists;
  }

  /** Every list of every source; two sources naming the same list is a mistake in Rebound itself. */
  public static Map<String, List<FormChoices.Choice>> merged(Iterable<FormChoices> sources) {
    Map<String, List<FormChoices.Choice>> merged = new HashMap<>();
    for (FormChoices source : sources) {
      source.lists().forEach((name, choices) -> {
        if (merged.putIfAbsent(name, List.copyOf(choices)) != null) {
          throw new IllegalStateException("two sources offer the form choices '" + name + "'");
        }
      });
    }
    return merged;
  }

  @Override
  public Set<Resource> getDeploymentResources() {
    Map<String, List<FormChoices.Choice>> known = null;
    Set<Resource> resources = new LinkedHashSet<>();
    for (Resource resource : super.getDeploymentResources()) {
      String name = deploymentName(resource);
      if (!name.endsWith(".form")) {
        resources.add(resource);
        continue;
      }
      byte[] form;
      try (InputStream in = resource.getInputStream()) {
        form = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read form " + name, e);
      }
      JsonNode parsed = parse(form, name);
      if (!asksForChoices(parsed.path("components"))) {
        resources.add(resource);
        continue;
      }
      if (known == null) {
        known = lists.get();
      }
      resources.add(new Named(withChoices(parsed, name, known), name));
    }
    return resources;
  }

  static JsonNode parse(byte[] form, String formName) {
    try {
      return JSON.readTree(form);
    } catch (IOException e) {
      throw new IllegalStateException("form " + formName + " is not JSON: " + e.getMessage(), e);
    }
  }

  /** Whether a field of the form, at any depth, asks for a list. */
  static boolean asksForChoices(JsonNode components) {
    for (JsonNode component : components) {
      if (!component.path("properties").path(CHOICES).isMissingNode() || asksForChoices(component.path("components"))) {
        return true;
      }
    }
    return false;
  }

  /** The form with every select that asks for a list given that list's options, in the list's order. */
  static byte[] withChoices(JsonNode form, String formName, Map<String, List<FormChoices.Choice>> known) {
    JsonNode copy = form.deepCopy();
    fill(copy.path("components"), formName, known);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(copy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void fill(JsonNode components, String formName, Map<String, List<FormChoices.Choice>> known) {
    for (JsonNode component : components) {
      fill(component.path("components"), formName, known);
      JsonNode wanted = component.path("properties").path(CHOICES);
      if (wanted.isMissingNode()) {
        continue;
      }
      String field = component.path("key").asText(component.path("id").asText("?"));
      List<FormChoices.Choice> choices = known.get(wanted.asText());
      if (choices == null) {
        throw new IllegalStateException("form " + formName + ", field " + field + ": no list of choices named '" + wanted.asText()
            + "'; known: " + new TreeSet<>(known.keySet()));
      }
      if (!"select".equals(component.path("type").asText())) {
        throw new IllegalStateException("form " + formName + ", field " + field + ": choices are for a select, not a "
            + component.path("type").asText());
      }
      ObjectNode select = (ObjectNode) component;
      ArrayNode values = select.putArray("values");
      for (FormChoices.Choice choice : choices) {
        values.addObject().put("label", choice.label()).put("value", choice.value());
      }
      if (choices.isEmpty()) {
        String description = select.path("description").asText("");
        select.put("description", description.isEmpty() ? NONE_CONFIGURED : description + " " + NONE_CONFIGURED);
      }
    }
  }

  /** The name the engine gives a resource it deploys (as Spring's auto-deployment names it), so that it is unchanged. */
  static String deploymentName(Resource resource) {
    if (resource instanceof ContextResource context) {
      return context.getPathWithinContext();
    }
    if (resource instanceof ByteArrayResource) {
      return resource.getDescription();
    }
    try {
      return resource.getFile().getAbsolutePath();
    } catch (IOException e) {
      return resource.getFilename();
    }
  }

  /** A resource of bytes deployed under a name: the engine takes a byte array resource's description as its name. */
  static final class Named extends ByteArrayResource {

    private final String name;

    Named(byte[] bytes, String name) {
      super(bytes, name);
      this.name = name;
    }

    @Override
    public String getDescription() {
      return name;
    }

    @Override
    public String getFilename() {
      return name.substring(name.lastIndexOf('/') + 1);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Named named && named.name.equals(name) && super.equals(other);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }
  }
}
