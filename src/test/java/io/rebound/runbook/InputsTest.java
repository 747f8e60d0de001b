package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InputsTest {

  @Test
  void shouldRefuseUnknownInputsNamingTheAcceptedOnes() {
    Inputs.onlyAccepted(Map.of("a", 1), Set.of("a", "b"));
    assertThatThrownBy(() -> Inputs.onlyAccepted(Map.of("c", 1), Set.of("b", "a")))
        .isInstanceOf(InvalidInputException.class).hasMessage("unknown input 'c'; accepted: a, b");
  }

  @Test
  void shouldReadTextStrippedAndBlankAsAbsent() {
    assertThat(Inputs.text(" x ", "w")).isEqualTo("x");
    assertThat(Inputs.text("  ", "w")).isNull();
    assertThat(Inputs.text(null, "w")).isNull();
    assertThat(Inputs.text(12, "w")).isEqualTo("12");
    assertThat(Inputs.text(true, "w")).isEqualTo("true");
    assertThatThrownBy(() -> Inputs.text(Map.of(), "owner")).hasMessage("owner must be text, not an object");
    assertThatThrownBy(() -> Inputs.text(List.of(), "owner")).hasMessage("owner must be text, not a list");
    assertThatThrownBy(() -> Inputs.text(new StringBuilder("x"), "owner")).hasMessage("owner must be text, not x");
  }

  @Test
  void shouldSplitListsAndCapTheirLength() {
    assertThat(Inputs.tokens("a, b  c,,d", 10, "t")).containsExactly("a", "b", "c", "d");
    assertThat(Inputs.tokens(List.of(" a ", "", "b"), 10, "t")).containsExactly("a", "b");
    assertThat(Inputs.tokens(null, 10, "t")).isEmpty();
    assertThat(Inputs.tokens(" ", 10, "t")).isEmpty();
    assertThat(Inputs.tokens("a,b", 2, "t")).hasSize(2);
    assertThatThrownBy(() -> Inputs.tokens("a,b,c", 2, "keyTables")).hasMessage("keyTables: at most 2 entries");
    assertThatThrownBy(() -> Inputs.tokens(List.of("a", "b", "c"), 2, "keyTables")).hasMessage("keyTables: at most 2 entries");
    assertThatThrownBy(() -> Inputs.tokens(Collections.nCopies(3, ""), 2, "keyTables")).hasMessage("keyTables: at most 2 entries");
    assertThatThrownBy(() -> Inputs.tokens(List.of(Map.of()), 2, "keyTables")).hasMessage("keyTables must be text, not an object");
  }

  @Test
  void shouldTellBlankInputs() {
    assertThat(Inputs.isBlank(null)).isTrue();
    assertThat(Inputs.isBlank(" ")).isTrue();
    assertThat(Inputs.isBlank(List.of())).isTrue();
    assertThat(Inputs.isBlank("a")).isFalse();
    assertThat(Inputs.isBlank(List.of("a"))).isFalse();
    assertThat(Inputs.isBlank(0)).isFalse();
  }

  @Test
  void shouldReadSwitches() {
    assertThat(Inputs.bool(null, true, "s")).isTrue();
    assertThat(Inputs.bool(" ", false, "s")).isFalse();
    assertThat(Inputs.bool(false, true, "s")).isFalse();
    assertThat(Inputs.bool(" YES ", false, "s")).isTrue();
    assertThat(Inputs.bool("true", false, "s")).isTrue();
    assertThat(Inputs.bool("no", true, "s")).isFalse();
    assertThat(Inputs.bool("False", true, "s")).isFalse();
    assertThatThrownBy(() -> Inputs.bool("maybe", true, "safetyExport")).hasMessage("safetyExport must be true or false, not 'maybe'");
    assertThatThrownBy(() -> Inputs.bool(1, true, "safetyExport")).hasMessage("safetyExport must be true or false, not 1");
  }

  @Test
  void shouldReadWholeNumbersWithoutWrappingOrRounding() {
    assertThat(Inputs.wholeNumber(null, 7, 1, 10, "n")).isEqualTo(7);
    assertThat(Inputs.wholeNumber(null, null, 1, 10, "n")).isNull();
    assertThat(Inputs.wholeNumber(0, 7, 0, 10, "n")).isZero();
    assertThat(Inputs.wholeNumber("-3", 7, -5, 10, "n")).isEqualTo(-3);
    assertThat(Inputs.wholeNumber("", 7, 1, 10, "n")).isEqualTo(7);
    assertThat(Inputs.wholeNumber(" 3 ", 7, 1, 10, "n")).isEqualTo(3);
    assertThat(Inputs.wholeNumber(1, 7, 1, 10, "n")).isEqualTo(1);
    assertThat(Inputs.wholeNumber(10L, 7, 1, 10, "n")).isEqualTo(10);
    assertThat(Inputs.wholeNumber(4.0, 7, 1, 10, "n")).isEqualTo(4);
    assertThat(Inputs.wholeNumber(new BigDecimal("5.00"), 7, 1, 10, "n")).isEqualTo(5);
    assertThat(Inputs.wholeNumber(BigInteger.TWO, 7, 1, 10, "n")).isEqualTo(2);
    assertThat(Inputs.wholeNumber((short) 6, 7, 1, 10, "n")).isEqualTo(6);
    assertThatThrownBy(() -> Inputs.wholeNumber(4294967396L, 7, 1, 10, "chunkSize")).hasMessage("chunkSize must be between 1 and 10, not 4294967396");
    assertThatThrownBy(() -> Inputs.wholeNumber(new BigInteger("99999999999999999999"), 7, 1, 10, "n")).hasMessageContaining("between 1 and 10");
    assertThatThrownBy(() -> Inputs.wholeNumber(new BigDecimal("1E+999999999"), 7, 1, 10, "n")).hasMessage("n must be between 1 and 10, not 1E+999999999");
    assertThatThrownBy(() -> Inputs.wholeNumber("12", 7, 1, 10, "n")).hasMessage("n must be between 1 and 10, not '12'");
    assertThatThrownBy(() -> Inputs.wholeNumber(0, 7, 1, 10, "n")).hasMessage("n must be between 1 and 10, not 0");
    assertThatThrownBy(() -> Inputs.wholeNumber(11, 7, 1, 10, "n")).hasMessage("n must be between 1 and 10, not 11");
    assertThatThrownBy(() -> Inputs.wholeNumber(2.5, 7, 1, 10, "n")).hasMessage("n must be a whole number, not 2.5");
    assertThatThrownBy(() -> Inputs.wholeNumber(new BigDecimal("2.50"), 7, 1, 10, "n")).hasMessage("n must be a whole number, not 2.50");
    assertThatThrownBy(() -> Inputs.wholeNumber(Double.NaN, 7, 1, 10, "n")).hasMessage("n must be a whole number, not NaN");
    assertThatThrownBy(() -> Inputs.wholeNumber("1e3", 7, 1, 10, "n")).hasMessage("n must be a whole number, not '1e3'");
    assertThatThrownBy(() -> Inputs.wholeNumber("ten", 7, 1, 10, "n")).hasMessage("n must be a whole number, not 'ten'");
    assertThatThrownBy(() -> Inputs.wholeNumber(true, 7, 1, 10, "n")).hasMessage("n must be a whole number, not true");
    assertThatThrownBy(() -> Inputs.wholeNumber(List.of(1), 7, 1, 10, "n")).hasMessage("n must be a whole number, not a list");
  }

  @Test
  void shouldDescribeAValueShortly() {
    assertThat(Inputs.shape(null)).isEqualTo("nothing");
    assertThat(Inputs.shape(Map.of("a", 1))).isEqualTo("an object");
    assertThat(Inputs.shape(List.of())).isEqualTo("a list");
    assertThat(Inputs.shape("x")).isEqualTo("'x'");
    assertThat(Inputs.shape(3)).isEqualTo("3");
    assertThat(Inputs.shape("y".repeat(50))).isEqualTo("'" + "y".repeat(40) + "…'");
  }

  @Test
  void shouldShortenLongValuesInMessages() {
    assertThat(Inputs.abbreviate("x".repeat(40))).isEqualTo("x".repeat(40));
    assertThat(Inputs.abbreviate("x".repeat(41))).isEqualTo("x".repeat(40) + "…");
  }

  @Test
  void shouldTakeOnlyANameAmongTheKnownOnesAndNameThemWhenRefusing() {
    List<String> targets = List.of("prod", "dr");
    assertThat(Inputs.oneOf(" dr ", "destination", "configured targets", targets)).isEqualTo("dr");
    assertThatThrownBy(() -> Inputs.oneOf(" ", "target", "configured targets", targets)).isInstanceOf(InvalidInputException.class)
        .hasMessage("target is required; configured targets: [prod, dr]");
    assertThatThrownBy(() -> Inputs.oneOf("x".repeat(41), "target", "configured targets", targets))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("unknown target '" + "x".repeat(40) + "…'; configured targets: [prod, dr]");
  }

  @Test
  void shouldParseTextUpToItsLengthAndGiveTheParsersReasonAsTheRefusal() {
    Integer size = Inputs.parsed(" 12 ", "size", 2, "not a size", Integer::valueOf);
    Integer absent = Inputs.parsed(" ", "size", 2, "not a size", text -> text == null ? -1 : 0);
    assertThat(List.of(size, absent)).containsExactly(12, -1);
    assertThatThrownBy(() -> Inputs.parsed("123", "size", 2, "not a size", Integer::valueOf)).isInstanceOf(InvalidInputException.class)
        .hasMessage("size '123' is not a size");
    assertThatThrownBy(() -> Inputs.parsed("1x", "size", 2, "not a size", text -> {
      throw new IllegalArgumentException("size '" + text + "' is not a whole number");
    })).isInstanceOf(InvalidInputException.class).hasMessage("size '1x' is not a whole number");
  }
}
