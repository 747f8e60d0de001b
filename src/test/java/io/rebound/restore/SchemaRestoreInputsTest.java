package io.rebound.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.config.ReboundProperties;
import io.rebound.runbook.InputLimits;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaRestoreInputsTest {

  private final SchemaRestoreInputs inputs = new SchemaRestoreInputs(targets(), properties(), InputLimits.DEFAULTS);

  @Test
  void shouldFillInputsFromTheProfileInTheTargetsCase() {
    SchemaRestoreRequest request = inputs.parse(Map.of("target", "ora", "profile", "winstore", "dumpFile", "w.dmp"));

    assertThat(request.schemaOwner()).isEqualTo("WINSTORE_ADMIN");
    assertThat(request.companionUsers()).containsExactly("WINSTORE_APP", "WINSTORE_READ");
    assertThat(request.keyTables()).containsExactly("PRODUCTS", "CATEGORIES");
    assertThat(request.sequences()).containsEntry("PRODUCTS_SEQ", "PRODUCTS.PRODUCT_ID");
    assertThat(request.safetyExport()).isTrue();
  }

  @Test
  void shouldLetExplicitInputsOverrideTheProfile() {
    SchemaRestoreRequest request = inputs.parse(Map.of("target", "pg", "profile", "winstore", "dumpFile", "w.dump",
        "schemaOwner", "Shop_Owner", "companionUsers", "shop_app, SHOP_APP,shop_owner", "safetyExport", "false"));

    assertThat(request.schemaOwner()).isEqualTo("shop_owner");
    assertThat(request.companionUsers()).containsExactly("shop_app");
    assertThat(request.safetyExport()).isFalse();
  }

  @Test
  void shouldTakeEmptyFormFieldsFromTheProfile() {
    SchemaRestoreRequest request = inputs.parse(Map.of("target", "ora", "profile", "winstore", "dumpFile", "w.dmp",
        "schemaOwner", "", "companionUsers", " ", "keyTables", "", "safetyExport", true));

    assertThat(request.schemaOwner()).isEqualTo("WINSTORE_ADMIN");
    assertThat(request.companionUsers()).containsExactly("WINSTORE_APP", "WINSTORE_READ");
    assertThat(request.keyTables()).containsExactly("PRODUCTS", "CATEGORIES");
  }

  @Test
  void shouldReadASinglePrefixAsEveryUserWithIt() {
    SchemaRestoreRequest underscore = inputs.parse(Map.of("target", "ora", "schemaOwner", "WINSTORE_ADMIN", "companionUsers", "winstore_", "dumpFile", "w.dmp"));
    SchemaRestoreRequest star = inputs.parse(Map.of("target", "ora", "schemaOwner", "WINSTORE_ADMIN", "companionUsers", List.of("WINSTORE*"), "dumpFile", "w.dmp"));

    assertThat(underscore.companionPrefix()).isEqualTo("WINSTORE_");
    assertThat(underscore.companionUsers()).isEmpty();
    assertThat(star.companionPrefix()).isEqualTo("WINSTORE");
    assertThat(inputs.display(underscore)).containsEntry("companionUsers", "WINSTORE_*");
    assertThat(inputs.parse(inputs.display(underscore))).isEqualTo(underscore);
  }

  @Test
  void shouldRefuseAPrefixThatWouldMatchTooMuch() {
    assertThatThrownBy(() -> inputs.parse(Map.of("target", "ora", "schemaOwner", "W_ADMIN", "companionUsers", "W_", "dumpFile", "w.dmp")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("too short");
  }

  @Test
  void shouldNameWhatIsWrong() {
    assertThatThrownBy(() -> inputs.parse(Map.of("target", "nowhere", "dumpFile", "w.dmp")))
        .hasMessageContaining("unknown target 'nowhere'").hasMessageContaining("[ora, pg]");
    assertThatThrownBy(() -> inputs.parse(Map.of("target", "ora", "profile", "x", "dumpFile", "w.dmp")))
        .hasMessageContaining("unknown restore profile");
    assertThatThrownBy(() -> inputs.parse(Map.of("target", "ora", "schemaOwner", "A", "dumpFile", "w.dmp", "initiator", "mallory")))
        .hasMessageContaining("unknown input 'initiator'");
    assertThatThrownBy(() -> inputs.parse(Map.of("target", "ora", "dumpFile", "w.dmp")))
        .hasMessageContaining("schemaOwner is required");
    assertThatThrownBy(() -> inputs.parse(Map.of("target", "ora", "schemaOwner", "A", "dumpFile", "w.dmp", "safetyExport", "maybe")))
        .hasMessageContaining("safetyExport must be true or false");
    Map<String, Object> nested = new HashMap<>(Map.of("target", "ora", "dumpFile", "w.dmp"));
    nested.put("schemaOwner", Map.of("a", "b"));
    assertThatThrownBy(() -> inputs.parse(nested)).hasMessageContaining("schemaOwner must be text, not an object");
  }

  @Test
  void shouldCheckTheReferenceTarget() {
    SchemaRestoreRequest request = inputs.parse(Map.of("target", "pg", "schemaOwner", "a", "dumpFile", "w.dump", "keyTables", "t1, T1 ,t2",
        "referenceTarget", "ora"));
    assertThat(request.referenceTarget()).isEqualTo("ora");
    assertThat(request.keyTables()).containsExactly("t1", "t2");
    assertThatThrownBy(() -> inputs.parse(Map.of("target", "pg", "schemaOwner", "a", "dumpFile", "w.dump", "keyTables", "t1",
        "referenceTarget", "nowhere"))).hasMessageContaining("unknown referenceTarget 'nowhere'");
    assertThatThrownBy(() -> inputs.parse(Map.of("target", "pg", "schemaOwner", "a", "dumpFile", "w.dump", "keyTables", "t1",
        "referenceTarget", "pg"))).hasMessageContaining("must be another target");
    assertThatThrownBy(() -> inputs.parse(Map.of("target", "pg", "schemaOwner", "a", "dumpFile", "w.dump", "referenceTarget", "ora")))
        .hasMessageContaining("name at least one in keyTables");
  }

  @Test
  void shouldTakeTheSafetyExportFromTheProfileUnlessAsked() {
    ReboundProperties noExport = new ReboundProperties(Map.of(), Map.of("quiet", new RestoreProfile("A", List.of(), List.of(), false, Map.of(),
        null)), Path.of("work"), new ReboundProperties.Steps("R3/PT30S", java.time.Duration.ofHours(24), java.time.Duration.ofSeconds(5)));
    SchemaRestoreInputs quiet = new SchemaRestoreInputs(targets(), noExport, InputLimits.DEFAULTS);
    assertThat(quiet.parse(Map.of("target", "pg", "profile", "quiet", "dumpFile", "w.dump")).safetyExport()).isFalse();
    assertThat(quiet.parse(Map.of("target", "pg", "profile", "quiet", "dumpFile", "w.dump", "safetyExport", "yes")).safetyExport()).isTrue();
    assertThat(inputs.parse(Map.of("target", "pg", "schemaOwner", "a", "dumpFile", "w.dump")).safetyExport()).isTrue();
  }

  @Test
  void shouldCapListInputsAndShowTheRequestWithoutAProfile() {
    SchemaRestoreInputs small = new SchemaRestoreInputs(targets(), properties(), new InputLimits(2));
    assertThatThrownBy(() -> small.parse(Map.of("target", "pg", "schemaOwner", "a", "dumpFile", "w.dump", "keyTables", "t1,t2,t3")))
        .hasMessage("keyTables: at most 2 entries");
    assertThatThrownBy(() -> small.parse(Map.of("target", "pg", "schemaOwner", "a", "dumpFile", "w.dump", "companionUsers", List.of("b", "c", "d"))))
        .hasMessage("companionUsers: at most 2 entries");
    SchemaRestoreRequest request = inputs.parse(Map.of("target", "pg", "schemaOwner", "a", "dumpFile", "w.dump", "companionUsers", "b"));
    assertThat(inputs.display(request)).doesNotContainKey("profile").containsEntry("companionUsers", "b").containsEntry("target", "pg")
        .containsEntry("safetyExport", true).containsEntry("referenceTarget", null).containsEntry("keyTables", "");
    assertThat(inputs.type()).isEqualTo(SchemaRestoreRequest.class);
    assertThat(inputs.parse(Map.of("target", "pg", "schemaOwner", "a", "dumpFile", "w.dump", "companionUsers", "abc_")).companionPrefix())
        .isEqualTo("abc_");
  }

  private static Targets targets() {
    Targets targets = new Targets(properties());
    targets.register("ora", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//h:1521/XEPDB1", "system", null, null,
        Path.of("/dumps"), null, null, null, null, null));
    targets.register("pg", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/db", "postgres", null, null,
        Path.of("/dumps"), null, null, null, null, null));
    return targets;
  }

  private static ReboundProperties properties() {
    return new ReboundProperties(Map.of(), Map.of("winstore", new RestoreProfile("WINSTORE_ADMIN", List.of("WINSTORE_APP", "WINSTORE_READ"),
        List.of("PRODUCTS", "CATEGORIES"), null, Map.of("PRODUCTS_SEQ", "PRODUCTS.PRODUCT_ID"), null)), Path.of("work"),
        new ReboundProperties.Steps("R3/PT30S", java.time.Duration.ofHours(24), java.time.Duration.ofSeconds(5)));
  }
}
