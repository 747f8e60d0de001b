package io.rebound.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.config.ReboundProperties;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The inputs of a database recovery: a configured target that can be recovered here, and an optional point in time. */
class DatabaseRecoveryInputsTest {

  private final Targets targets = targets();
  private final List<String> asked = new ArrayList<>();
  private final DatabaseRecoveryInputs inputs = new DatabaseRecoveryInputs(targets, target -> {
    asked.add(target.name());
    if (target.dialect() == Dialect.ORACLE) {
      throw new IllegalArgumentException("target ora is ORACLE: Rebound has no database recovery for it yet");
    }
  });

  private static Targets targets() {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"),
        new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    targets.register("pg", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/d", "postgres", null, null, null, null, null,
        null, null, null));
    targets.register("ora", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@h:1521/FREEPDB1", "system", null, null, null, null,
        null, null, null, null));
    return targets;
  }

  private static Map<String, Object> variables(Object... pairs) {
    Map<String, Object> variables = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      variables.put((String) pairs[i], pairs[i + 1]);
    }
    return variables;
  }

  @Test
  void shouldTakeATargetAndRecoverToLatestUnlessAPointIsGiven() {
    assertThat(inputs.parse(variables("target", "pg"))).isEqualTo(new DatabaseRecoveryRequest("pg", "latest"));
    assertThat(inputs.parse(variables("target", " pg ", "pointInTime", " "))).isEqualTo(new DatabaseRecoveryRequest("pg", "latest"));
    assertThat(inputs.parse(variables("target", "pg", "pointInTime", "2026-11-30T14:05:00Z")))
        .isEqualTo(new DatabaseRecoveryRequest("pg", "2026-11-30T14:05:00Z"));
    assertThat(asked).containsExactly("pg", "pg", "pg");
    assertThat(inputs.type()).isEqualTo(DatabaseRecoveryRequest.class);
  }

  @Test
  void shouldRefuseAMissingOrUnknownTargetNamingTheConfiguredOnes() {
    assertThatThrownBy(() -> inputs.parse(variables())).isInstanceOf(InvalidInputException.class)
        .hasMessage("target is required; configured targets: " + targets.names());
    assertThatThrownBy(() -> inputs.parse(variables("target", "nope"))).isInstanceOf(InvalidInputException.class)
        .hasMessage("unknown target 'nope'; configured targets: " + targets.names());
    assertThat(asked).isEmpty();
  }

  @Test
  void shouldRefuseATargetThatCannotBeRecoveredHereSayingWhy() {
    assertThatThrownBy(() -> inputs.parse(variables("target", "ora"))).isInstanceOf(InvalidInputException.class)
        .hasMessage("no recovery of ora: target ora is ORACLE: Rebound has no database recovery for it yet");
  }

  @Test
  void shouldRefuseABadPointOrAnInputItDoesNotTake() {
    assertThatThrownBy(() -> inputs.parse(variables("target", "pg", "pointInTime", "yesterday"))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("pointInTime 'yesterday' is neither 'latest' nor an ISO-8601 instant");
    assertThatThrownBy(() -> inputs.parse(variables("target", "pg", "pointInTime", "2".repeat(41))))
        .isInstanceOf(InvalidInputException.class).hasMessageEndingWith("is neither 'latest' nor an ISO-8601 instant");
    assertThatThrownBy(() -> inputs.parse(variables("target", "pg", "pointInTime", "2".repeat(40))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("nor an ISO-8601 instant such as");
    assertThat(inputs.parse(variables("target", "pg", "pointInTime", "2026-11-30T14:05:00.000Z")).pointInTime())
        .isEqualTo("2026-11-30T14:05:00Z");
    assertThatThrownBy(() -> inputs.parse(variables("target", "pg", "destination", "other"))).isInstanceOf(InvalidInputException.class)
        .hasMessage("unknown input 'destination'; accepted: pointInTime, target");
    assertThat(asked).containsExactly("pg");
  }

  @Test
  void shouldShowTheRequestAsItWasParsed() {
    assertThat(inputs.display(new DatabaseRecoveryRequest("pg", "latest"))).containsExactly(Map.entry("target", "pg"),
        Map.entry("pointInTime", "latest"));
  }
}
