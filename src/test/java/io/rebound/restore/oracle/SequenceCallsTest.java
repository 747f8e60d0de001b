package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.restore.oracle.SequenceCalls.Name;
import io.rebound.restore.oracle.SequenceCalls.Use;
import org.junit.jupiter.api.Test;

class SequenceCallsTest {

  static Name seq(String name) {
    return new Name(null, name);
  }

  static Name seq(String owner, String name) {
    return new Name(owner, name);
  }

  @Test
  void shouldReadTheSequenceOfADefaultAsOracleStoresItOrAsItWasTyped() {
    assertThat(SequenceCalls.nextvalCalls("\"WINSTORE_ADMIN\".\"PRODUCTS_SEQ\".\"NEXTVAL\"")).containsExactly(seq("WINSTORE_ADMIN", "PRODUCTS_SEQ"));
    assertThat(SequenceCalls.nextvalCalls("products_seq.nextval")).containsExactly(seq("PRODUCTS_SEQ"));
    assertThat(SequenceCalls.nextvalCalls("Winstore_Admin . Products_Seq . NextVal\n")).containsExactly(seq("WINSTORE_ADMIN", "PRODUCTS_SEQ"));
    assertThat(SequenceCalls.nextvalCalls("\"Mixed\".\"Case$Seq\".nextval")).containsExactly(seq("Mixed", "Case$Seq"));
    assertThat(SequenceCalls.nextvalCalls("a#1.nextval * 10 + b_2.NEXTVAL")).containsExactly(seq("A#1"), seq("B_2"));
    assertThat(SequenceCalls.nextvalCalls("s.nextval + s.nextval")).containsExactly(seq("S"));
    assertThat(seq("A", "B")).hasToString("A.B");
    assertThat(seq("B")).hasToString("B");
  }

  @Test
  void shouldNotTakeStringsCommentsOtherPseudoColumnsOrRemoteSequencesForCalls() {
    assertThat(SequenceCalls.nextvalCalls("'products_seq.nextval'")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("'it''s a.nextval'")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("q'[a.nextval]'")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("Q'{a.nextval}' || q'!b.nextval!' || q'(c.nextval)' || q'<d.nextval>'")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("N'a.nextval' || nq'[b.nextval]'")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("-- a.nextval\n0")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("/* a.nextval */ 1")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("a.currval")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("remote_seq.nextval@elsewhere")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("nextval")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls(". nextval")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("'unterminated a.nextval")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("/* unterminated a.nextval")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("-- a.nextval")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("q'[unterminated a.nextval")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("q'")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("\"unterminated a.nextval")).isEmpty();
  }

  @Test
  void shouldNotTakeABindOrAFourPartNameForASequence() {
    assertThat(SequenceCalls.nextvalCalls(":b.nextval")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls(":a.b.nextval")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("x.a.b.nextval")).isEmpty();
    assertThat(SequenceCalls.nextvalCalls("1.5 + a.nextval")).containsExactly(seq("A"));
    assertThat(SequenceCalls.nextvalCalls("(a).nextval")).isEmpty();
  }

  @Test
  void shouldFollowTheClassicTriggerSelectIntoTheNewColumn() {
    String body = """
        BEGIN
          SELECT products_seq.NEXTVAL INTO :NEW.product_id FROM dual;
        END;""";

    assertThat(SequenceCalls.triggerUses(body, "NEW")).containsExactly(new Use(seq("PRODUCTS_SEQ"), null, "PRODUCT_ID"));
  }

  @Test
  void shouldFollowAnAssignmentUnderAConditionAndThroughNvl() {
    String body = """
        BEGIN
          IF :new.order_id IS NULL THEN
            :new.order_id := winstore_admin.orders_seq.nextval;
          END IF;
          :new.line_id := NVL(:new.line_id, lines_seq.nextval);
        END;""";

    assertThat(SequenceCalls.triggerUses(body, "NEW")).containsExactly(
        new Use(seq("WINSTORE_ADMIN", "ORDERS_SEQ"), null, "ORDER_ID"), new Use(seq("LINES_SEQ"), null, "LINE_ID"));
  }

  @Test
  void shouldUseTheTriggersNewAliasAndKeepAQuotedColumnExact() {
    String body = "BEGIN :n.\"Id\" := s.nextval; :new.other := t.nextval; END;";

    assertThat(SequenceCalls.triggerUses(body, "N")).containsExactly(new Use(seq("S"), null, "Id"), new Use(seq("T"), null, null));
    assertThat(SequenceCalls.newAlias("REFERENCING NEW AS N OLD AS O")).isEqualTo("N");
    assertThat(SequenceCalls.newAlias("referencing old as o new as nw")).isEqualTo("NW");
    assertThat(SequenceCalls.newAlias("REFERENCING NEW AS NEW OLD AS OLD")).isEqualTo("NEW");
    assertThat(SequenceCalls.newAlias(null)).isEqualTo("NEW");
    assertThat(SequenceCalls.newAlias("REFERENCING OLD AS O")).isEqualTo("NEW");
  }

  @Test
  void shouldFollowAValueThroughAVariable() {
    String selected = """
        DECLARE
          v_id NUMBER;
        BEGIN
          SELECT s.nextval INTO v_id FROM dual;
          :new.id := v_id;
        END;""";
    String declared = """
        DECLARE
          v_id NUMBER(10) := s.nextval;
          v_other NUMBER := 0;
        BEGIN
          :new.id := v_id + v_other;
        END;""";
    String assigned = "DECLARE v NUMBER; BEGIN v := s.nextval; :new.id := v; END;";
    String afterThen = "BEGIN IF TRUE THEN v := s.nextval; END IF; :new.id := v; END;";

    assertThat(SequenceCalls.triggerUses(selected, "NEW")).containsExactly(new Use(seq("S"), null, "ID"));
    assertThat(SequenceCalls.triggerUses(declared, "NEW")).containsExactly(new Use(seq("S"), null, "ID"));
    assertThat(SequenceCalls.triggerUses(assigned, "NEW")).containsExactly(new Use(seq("S"), null, "ID"));
    assertThat(SequenceCalls.triggerUses(afterThen, "NEW")).containsExactly(new Use(seq("S"), null, "ID"));
  }

  @Test
  void shouldNotFollowAVariableQualifiedByAnotherName() {
    String body = "DECLARE v NUMBER; BEGIN v := s.nextval; :new.id := pkg.v; :new.other := :b.v; END;";

    assertThat(SequenceCalls.triggerUses(body, "NEW")).containsExactly(new Use(seq("S"), null, null));
  }

  @Test
  void shouldPairSelectedItemsWithTheirTargetsByPlace() {
    String body = "BEGIN SELECT s1.nextval, GREATEST(1, 2), s2.nextval INTO :new.a, :new.b, :new.c FROM dual WHERE 1 = 1; END;";
    String noFrom = "BEGIN SELECT s1.nextval INTO :new.a; END;";

    assertThat(SequenceCalls.triggerUses(body, "NEW")).containsExactly(new Use(seq("S1"), null, "A"), new Use(seq("S2"), null, "C"));
    assertThat(SequenceCalls.triggerUses(noFrom, "NEW")).containsExactly(new Use(seq("S1"), null, "A"));
  }

  @Test
  void shouldFollowAnInsertIntoAnotherTableByColumnPlace() {
    String body = """
        BEGIN
          INSERT INTO audit_log (log_id, note) VALUES (log_seq.nextval, 'inserted; really');
          INSERT INTO app.history (note, id) VALUES (SUBSTR('x', 1, 1), app.history_seq.nextval);
        END;""";

    assertThat(SequenceCalls.triggerUses(body, "NEW")).containsExactly(
        new Use(seq("LOG_SEQ"), seq("AUDIT_LOG"), "LOG_ID"), new Use(seq("APP", "HISTORY_SEQ"), seq("APP", "HISTORY"), "ID"));
  }

  @Test
  void shouldReportACallWhoseColumnTheBodyDoesNotTell() {
    assertThat(SequenceCalls.triggerUses("BEGIN INSERT INTO log VALUES (s.nextval); END;", "NEW"))
        .containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("BEGIN INSERT INTO log (a, b + 1) VALUES (1, s.nextval); END;", "NEW"))
        .containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("BEGIN INSERT INTO log (id) SELECT s.nextval FROM dual; END;", "NEW"))
        .containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("BEGIN INSERT INTO (SELECT 1 FROM dual) VALUES (s.nextval); END;", "NEW"))
        .containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("BEGIN INSERT INTO log (id VALUES (s.nextval); END;", "NEW"))
        .containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("BEGIN INSERT INTO log (id) VALUES (s.nextval; END;", "NEW"))
        .containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("BEGIN INSERT INTO log (id) VALUES; s.nextval; END;", "NEW"))
        .containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("BEGIN INSERT INTO", "NEW")).isEmpty();
    assertThat(SequenceCalls.triggerUses("BEGIN log_it(s.nextval); :old.id := t.nextval; END;", "NEW"))
        .containsExactly(new Use(seq("S"), null, null), new Use(seq("T"), null, null));
    assertThat(SequenceCalls.triggerUses("BEGIN rec.id := s.nextval; :new.id := rec.id; END;", "NEW"))
        .containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("BEGIN SELECT s.nextval INTO rec.id FROM dual; END;", "NEW"))
        .containsExactly(new Use(seq("S"), null, null));
  }

  @Test
  void shouldSayEachUseOnceAndIgnoreTriggersWithoutCalls() {
    String body = "BEGIN :new.id := s.nextval; :new.id := s.nextval; :new.created := SYSDATE; END;";

    assertThat(SequenceCalls.triggerUses(body, "NEW")).containsExactly(new Use(seq("S"), null, "ID"));
    assertThat(SequenceCalls.triggerUses("BEGIN :new.created := SYSDATE; v := 1; :new.x := v; END;", "NEW")).isEmpty();
    assertThat(SequenceCalls.triggerUses("", "NEW")).isEmpty();
  }

  @Test
  void shouldReadACompoundTriggersRowSection() {
    String body = """
        COMPOUND TRIGGER
          BEFORE EACH ROW IS
          BEGIN
            :NEW.ID := "APP"."IDS".NEXTVAL;
          END BEFORE EACH ROW;
        END;""";

    assertThat(SequenceCalls.triggerUses(body, "NEW")).containsExactly(new Use(seq("APP", "IDS"), null, "ID"));
  }

  @Test
  void shouldReadABodyToItsLastStatementAndThroughABareDeclaration() {
    assertThat(SequenceCalls.triggerUses(":new.id := s.nextval", "NEW")).containsExactly(new Use(seq("S"), null, "ID"));
    assertThat(SequenceCalls.triggerUses("v_id NUMBER := s.nextval; BEGIN :new.id := v_id; END;", "NEW"))
        .containsExactly(new Use(seq("S"), null, "ID"));
  }

  @Test
  void shouldStopAtStatementsCutShort() {
    assertThat(SequenceCalls.triggerUses("BEGIN ) := s.nextval; END;", "NEW")).containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("BEGIN := s.nextval; END;", "NEW")).containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("s.nextval; BEGIN INSERT", "NEW")).containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("s.nextval; INSERT INTO log", "NEW")).containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("s.nextval; INSERT INTO app.", "NEW")).containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("s.nextval; INSERT INTO log (id) VALUES", "NEW")).containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("s.nextval; INSERT INTO log (id)", "NEW")).containsExactly(new Use(seq("S"), null, null));
    assertThat(SequenceCalls.triggerUses("BEGIN SELECT INTO :new.id FROM dual; END;", "NEW")).isEmpty();
  }

  @Test
  void shouldTokenizeToTheEndOfTheText() {
    assertThat(SequenceCalls.tokens("a -")).extracting(SequenceCalls.Token::text).containsExactly("A", "-");
    assertThat(SequenceCalls.tokens("a /")).extracting(SequenceCalls.Token::text).containsExactly("A", "/");
    assertThat(SequenceCalls.tokens("a :")).extracting(SequenceCalls.Token::text).containsExactly("A", ":");
    assertThat(SequenceCalls.tokens("/*/ x */")).isEmpty();
    assertThat(SequenceCalls.tokens("-- x\ny")).extracting(SequenceCalls.Token::text).containsExactly("Y");
    assertThat(SequenceCalls.tokens("\"a\"b")).extracting(SequenceCalls.Token::text).containsExactly("a", "B");
    assertThat(SequenceCalls.tokens("q'!'x!' y")).extracting(SequenceCalls.Token::text).containsExactly("'x", "Y");
    assertThat(SequenceCalls.tokens("q'[x")).extracting(SequenceCalls.Token::text).containsExactly("x");
    assertThat(SequenceCalls.tokens("'a'b")).extracting(SequenceCalls.Token::text).containsExactly("a", "B");
  }

  @Test
  void shouldTokenizeAsPlsqlDoes() {
    assertThat(SequenceCalls.tokens("a := 'x''y' -- c\n /* d */ \"Q\" 1.5;")).extracting(SequenceCalls.Token::text)
        .containsExactly("A", ":=", "x'y", "Q", "1.5", ";");
    assertThat(SequenceCalls.tokens("a:b")).extracting(SequenceCalls.Token::text).containsExactly("A", ":", "B");
    assertThat(SequenceCalls.tokens("n'x' q'[y]' nq'!z!' qq")).extracting(SequenceCalls.Token::kind).containsExactly(
        SequenceCalls.Kind.STRING, SequenceCalls.Kind.STRING, SequenceCalls.Kind.STRING, SequenceCalls.Kind.WORD);
  }
}
