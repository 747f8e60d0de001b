package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The registry of runbooks: found by their own key or by a schedule's process key, and told apart by what they destroy. */
class RunbooksTest {

  record Descriptor(String key, Optional<Approval<Object>> approval, List<String> processKeys) implements Runbook<Object> {
    @Override
    public String title() {
      return key;
    }

    @Override
    public RunbookInputs<Object> inputs() {
      return null;
    }

    @Override
    public Map<String, RunOutcome> outcomes() {
      return Map.of();
    }
  }

  private final Descriptor restore = new Descriptor("restore", Optional.of(new Approval<>("UserTask_Approve", request -> List.of())),
      List.of("restore"));
  private final Descriptor backup = new Descriptor("backup", Optional.empty(), List.of("backup", "backup.full.orders"));
  private final Runbooks runbooks = new Runbooks(List.of(restore, backup));

  @Test
  void shouldFindARunbookByItsKeyOrItsSchedulesProcessKey() {
    assertThat(runbooks.find("restore")).containsSame(restore);
    assertThat(runbooks.find("backup.full.orders")).containsSame(backup);
    assertThat(runbooks.find("backup.full.other")).isEmpty();
    assertThat(runbooks.find(null)).isEmpty();
    assertThat(runbooks.get("backup.full.orders")).isSameAs(backup);
    assertThatThrownBy(() -> runbooks.get("other")).isInstanceOf(IllegalStateException.class).hasMessage("no runbook has the key other");
    assertThat(runbooks.isRunbook("backup.full.orders")).isTrue();
    assertThat(runbooks.isRunbook("other")).isFalse();
    assertThat(runbooks.keys()).containsExactly("restore", "backup", "backup.full.orders");
    assertThat(runbooks.all()).containsExactly(restore, backup);
  }

  @Test
  void shouldFindARunbookByAProcessKeyItOwnsWithoutListingIt() {
    Descriptor owning = new Descriptor("owning", Optional.empty(), List.of("owning"));
    Runbook<Object> retiring = new Runbook<>() {
      @Override
      public String key() {
        return "retiring";
      }

      @Override
      public String title() {
        return "retiring";
      }

      @Override
      public RunbookInputs<Object> inputs() {
        return null;
      }

      @Override
      public Optional<Approval<Object>> approval() {
        return Optional.empty();
      }

      @Override
      public Map<String, RunOutcome> outcomes() {
        return Map.of();
      }

      @Override
      public boolean owns(String processKey) {
        return processKey.startsWith("retiring.");
      }
    };
    Runbooks registry = new Runbooks(List.of(retiring, restore));

    assertThat(registry.find("retiring.gone")).containsSame(retiring);
    assertThat(registry.find("retiring")).as("its own key, always").containsSame(retiring);
    assertThat(registry.keys()).containsExactly("retiring", "restore");
    assertThat(owning.owns("owning")).isTrue();
    assertThat(owning.owns("owning.x")).isFalse();
  }

  @Test
  void shouldTellTheRunbooksThatDestroyAndTheirApprovalTask() {
    assertThat(runbooks.destructive()).containsExactly(restore);
    assertThat(runbooks.withApprovalTask("UserTask_Approve")).containsSame(restore);
    assertThat(runbooks.withApprovalTask("UserTask_Other")).isEmpty();
    assertThatThrownBy(() -> new Runbooks(List.of(restore, restore))).isInstanceOf(IllegalStateException.class)
        .hasMessage("two runbooks have the key restore");
  }
}
