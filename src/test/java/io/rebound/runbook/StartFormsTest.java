package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.runbook.FormChoices.Choice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.test.util.ReflectionTestUtils;

class StartFormsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<String, List<Choice>> LISTS = Map.of(
      "targets", List.of(new Choice("alpha (postgresql)", "alpha"), new Choice("beta (oracle)", "beta")),
      "nothing", List.of());

  static String form(String fields) {
    return "{\"id\": \"f\", \"components\": [" + fields + "]}";
  }

  static JsonNode filled(String form, Map<String, List<Choice>> lists) throws IOException {
    return JSON.readTree(StartForms.withChoices(JSON.readTree(form), "f.form", lists));
  }

  @Test
  void shouldWriteTheNamedListIntoTheSelectInItsOrder() throws IOException {
    JsonNode form = filled(form("{\"type\": \"select\", \"key\": \"target\", \"values\": [{\"label\": \"old\", \"value\": \"old\"}],"
        + " \"properties\": {\"choices\": \"targets\"}}"), LISTS);

    JsonNode values = form.path("components").get(0).path("values");
    assertThat(values).hasSize(2);
    assertThat(values.get(0).path("label").asText()).isEqualTo("alpha (postgresql)");
    assertThat(values.get(0).path("value").asText()).isEqualTo("alpha");
    assertThat(values.get(1).path("value").asText()).isEqualTo("beta");
    assertThat(form.path("components").get(0).path("properties").path("choices").asText()).isEqualTo("targets");
  }

  @Test
  void shouldFillSelectsInsideGroupsAndLeaveOtherFieldsAlone() throws IOException {
    JsonNode form = filled(form("{\"type\": \"textfield\", \"key\": \"dumpFile\", \"label\": \"Dump\"},"
        + "{\"type\": \"group\", \"components\": [{\"type\": \"select\", \"key\": \"source\", \"properties\": {\"choices\": \"targets\"}}]}"), LISTS);

    assertThat(form.path("components").get(0).toString()).isEqualTo("{\"type\":\"textfield\",\"key\":\"dumpFile\",\"label\":\"Dump\"}");
    assertThat(form.path("components").get(1).path("components").get(0).path("values")).hasSize(2);
  }

  @Test
  void shouldSayWhenNothingConfiguredCanBePicked() throws IOException {
    JsonNode bare = filled(form("{\"type\": \"select\", \"key\": \"a\", \"properties\": {\"choices\": \"nothing\"}}"), LISTS);
    JsonNode described = filled(form("{\"type\": \"select\", \"key\": \"a\", \"description\": \"Pick one.\", \"properties\": {\"choices\": \"nothing\"}}"), LISTS);
    JsonNode full = filled(form("{\"type\": \"select\", \"key\": \"a\", \"description\": \"Pick one.\", \"properties\": {\"choices\": \"targets\"}}"), LISTS);

    assertThat(bare.path("components").get(0).path("values")).isEmpty();
    assertThat(bare.path("components").get(0).path("description").asText()).isEqualTo(StartForms.NONE_CONFIGURED);
    assertThat(described.path("components").get(0).path("description").asText()).isEqualTo("Pick one. " + StartForms.NONE_CONFIGURED);
    assertThat(full.path("components").get(0).path("description").asText()).isEqualTo("Pick one.");
  }

  @Test
  void shouldRefuseAListNobodyOffersNamingFormAndField() {
    assertThatThrownBy(() -> filled(form("{\"type\": \"select\", \"key\": \"target\", \"properties\": {\"choices\": \"targts\"}}"), LISTS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("form f.form, field target")
        .hasMessageContaining("'targts'")
        .hasMessageContaining("[nothing, targets]");
  }

  @Test
  void shouldRefuseChoicesOnAFieldThatIsNotASelect() {
    assertThatThrownBy(() -> filled(form("{\"type\": \"textfield\", \"key\": \"target\", \"properties\": {\"choices\": \"targets\"}}"), LISTS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("field target")
        .hasMessageContaining("not a textfield");
  }

  @Test
  void shouldSeeAskingFieldsAtAnyDepthOnly() throws IOException {
    assertThat(StartForms.asksForChoices(JSON.readTree(form("{\"type\": \"text\", \"text\": \"choices\"}")).path("components"))).isFalse();
    assertThat(StartForms.asksForChoices(JSON.readTree(form("{\"type\": \"select\", \"properties\": {\"other\": \"x\"}}")).path("components"))).isFalse();
    assertThat(StartForms.asksForChoices(JSON.readTree(form("{\"type\": \"group\", \"components\": "
        + "[{\"type\": \"select\", \"properties\": {\"choices\": \"targets\"}}]}")).path("components"))).isTrue();
  }

  @Test
  void shouldRefuseTwoSourcesOfOneList() {
    FormChoices one = () -> Map.of("targets", List.of());
    FormChoices other = () -> Map.of("targets", List.of(new Choice("x", "x")));

    assertThatThrownBy(() -> StartForms.merged(List.of(one, other))).hasMessageContaining("'targets'");
    assertThat(StartForms.merged(List.of(one, () -> Map.of("profiles", List.of())))).containsOnlyKeys("targets", "profiles");
  }

  @Test
  void shouldRefuseAFormThatIsNotJson() {
    assertThatThrownBy(() -> StartForms.parse("{not json".getBytes(StandardCharsets.UTF_8), "broken.form"))
        .hasMessageContaining("form broken.form is not JSON");
  }

  @Test
  void shouldNameResourcesAsTheEngineDoes(@TempDir Path directory) throws IOException {
    Path file = Files.writeString(directory.resolve("a.form"), "{}");

    assertThat(StartForms.deploymentName(new FileSystemResource(file))).isEqualTo(file.toAbsolutePath().toString());
    assertThat(StartForms.deploymentName(new StartForms.Named(new byte[0], "/x/forms/a.form"))).isEqualTo("/x/forms/a.form");
    assertThat(new StartForms.Named(new byte[0], "/x/forms/a.form").getFilename()).isEqualTo("a.form");
    assertThat(StartForms.deploymentName(new ByteArrayResource(new byte[0], "b.bpmn"))).isEqualTo("Byte array resource [b.bpmn]");
  }

  @Test
  void shouldDeployFormsThatAskWithTheirListsAndEverythingElseAsItIs(@TempDir Path directory) throws IOException {
    Path forms = Files.createDirectories(directory.resolve("forms"));
    Files.writeString(forms.resolve("asks-start.form"), form("{\"type\": \"select\", \"key\": \"target\", \"properties\": {\"choices\": \"targets\"}}"));
    Files.writeString(forms.resolve("plain.form"), form("{\"type\": \"textfield\", \"key\": \"x\"}"));
    Files.writeString(directory.resolve("model.bpmn"), "<definitions/>");
    AtomicInteger asked = new AtomicInteger();
    StartForms startForms = new StartForms(() -> {
      asked.incrementAndGet();
      return LISTS;
    });
    CamundaBpmProperties properties = new CamundaBpmProperties();
    properties.setDeploymentResourcePattern(new String[] {"file:" + directory + "/**/*.form", "file:" + directory + "/*.bpmn"});
    ReflectionTestUtils.setField(startForms, "camundaBpmProperties", properties);

    Set<Resource> resources = startForms.getDeploymentResources();

    assertThat(resources).hasSize(3);
    assertThat(asked).as("the lists are read once").hasValue(1);
    Resource asks = resources.stream().filter(r -> StartForms.deploymentName(r).endsWith("asks-start.form")).findFirst().orElseThrow();
    assertThat(asks).isInstanceOf(StartForms.Named.class);
    assertThat(StartForms.deploymentName(asks)).isEqualTo(forms.resolve("asks-start.form").toAbsolutePath().toString());
    assertThat(JSON.readTree(asks.getInputStream().readAllBytes()).path("components").get(0).path("values")).hasSize(2);
    assertThat(resources).filteredOn(r -> !(r instanceof StartForms.Named)).hasSize(2)
        .allSatisfy(r -> assertThat(r).isInstanceOf(FileSystemResource.class));
  }

  @Test
  void shouldNotReadTheListsWhenNoFormAsks(@TempDir Path directory) throws IOException {
    Files.writeString(directory.resolve("plain.form"), form("{\"type\": \"textfield\", \"key\": \"x\"}"));
    StartForms startForms = new StartForms(() -> {
      throw new AssertionError("no form asked");
    });
    CamundaBpmProperties properties = new CamundaBpmProperties();
    properties.setDeploymentResourcePattern(new String[] {"file:" + directory + "/*.form"});
    ReflectionTestUtils.setField(startForms, "camundaBpmProperties", properties);

    assertThat(startForms.getDeploymentResources()).singleElement().isNotInstanceOf(StartForms.Named.class);
  }
}
