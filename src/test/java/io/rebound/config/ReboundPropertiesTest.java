package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.target.TargetProperties;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReboundPropertiesTest {

  @ParameterizedTest
  @ValueSource(strings = {"db\"><bpmn:scriptTask", "a.b", "1db", "_db", "-db", "db/../x", "db name", "", "d\u00e9mo",
      "a123456789012345678901234567890123456789012345678901234567890123"})
  void shouldRefuseATargetNameThatCouldNotSafelyBecomePartOfAKeyOrAFileName(String name) {
    Map<String, TargetProperties> targets = Map.of(name, target());

    assertThatThrownBy(() -> new ReboundProperties(targets, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + name + "'")
        .hasMessageContaining("letter");
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "orders_eu", "ws-a1", "X", "Pg15", "a12345678901234567890123456789012345678901234567890123456789012"})
  void shouldAcceptTheNamesTargetsAreGiven(String name) {
    assertThat(new ReboundProperties(Map.of(name, target()), null, null, null).targets()).containsOnlyKeys(name);
  }

  private static TargetProperties target() {
    return new TargetProperties(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }
}
