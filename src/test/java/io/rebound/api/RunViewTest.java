package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RunViewTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldTakeTheTargetOfARequestOrTheDestinationOfAComparison() throws Exception {
    assertThat(Runs.target(JSON.readTree("{\"target\":\"prod\",\"destination\":\"other\"}"))).isEqualTo("prod");
    assertThat(Runs.target(JSON.readTree("{\"source\":\"ref\",\"destination\":\"qa\"}"))).isEqualTo("qa");
    assertThat(Runs.target(JSON.readTree("{\"target\":{\"name\":\"x\"}}"))).isNull();
    assertThat(Runs.target(JSON.readTree("{}"))).isNull();
    assertThat(Runs.target(JSON.readTree("{\"comparison\":{\"source\":\"ref\",\"destination\":\"qa\"},\"retryOf\":null}")))
        .isEqualTo("qa");
    assertThat(Runs.target(JSON.readTree("{\"target\":\"prod\",\"comparison\":{\"destination\":\"qa\"}}"))).isEqualTo("prod");
    assertThat(Runs.target(JSON.readTree("{\"tables\":[{\"target\":\"x\"}],\"n\":{\"a\":{\"target\":\"deep\"}}}"))).isNull();
    assertThat(Runs.target(null)).isNull();
  }

  @Test
  void shouldCutLongInputsShortForTheList() throws Exception {
    StringBuilder tables = new StringBuilder("[");
    for (int i = 0; i < 25; i++) {
      tables.append(i == 0 ? "" : ",").append("{\"name\":\"T").append(i).append("\",\"filter\":{\"deep\":{\"deeper\":1}}}");
    }
    tables.append("]");
    JsonNode summary = Runs.summary(JSON.readTree("{\"target\":\"prod\",\"note\":\"" + "x".repeat(250) + "\",\"tables\":" + tables
        + ",\"safetyExport\":true}"));
    assertThat(summary.get("target").asText()).isEqualTo("prod");
    assertThat(summary.get("safetyExport").asBoolean()).isTrue();
    assertThat(summary.get("note").asText()).hasSize(201).endsWith("…");
    assertThat(summary.get("tables")).hasSize(21);
    assertThat(summary.get("tables").get(0).get("name").asText()).isEqualTo("T0");
    assertThat(summary.get("tables").get(0).get("filter").asText()).isEqualTo("{…}");
    assertThat(summary.get("tables").get(20).asText()).isEqualTo("… 5 more");
  }

  @Test
  void shouldKeepShortInputsAsTheyAre() throws Exception {
    JsonNode request = JSON.readTree("{\"target\":\"prod\",\"note\":\"" + "x".repeat(200) + "\",\"users\":[\"a\",\"b\"],\"n\":3}");
    assertThat(Runs.summary(request)).isEqualTo(request);
    assertThat(Runs.summary(null)).isNull();
    assertThat(Runs.summary(JSON.readTree("[1]"))).isNull();
  }
}
