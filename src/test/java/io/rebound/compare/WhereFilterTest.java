package io.rebound.compare;

import static io.rebound.target.Dialect.ORACLE;
import static io.rebound.target.Dialect.POSTGRESQL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.compare.WhereFilter.ColumnName;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The grammar of a comparison's WHERE filter: what an operator types reaches two databases as SQL, run by
 * their privileged or comparison accounts, so everything outside a small grammar of conditions on the
 * table's own columns is refused, and what runs is written anew from what was checked.
 */
class WhereFilterTest {

  private static final List<List<Dialect>> PAIRS = List.of(List.of(POSTGRESQL, POSTGRESQL), List.of(ORACLE, ORACLE), List.of(POSTGRESQL, ORACLE));

  @ParameterizedTest
  @CsvSource(delimiterString = "~>", quoteCharacter = '^', value = {
      // Reproduced: a file of the server in the table's error, password hashes, ending sessions, a replication
      // slot, a file written on the server, a sleep holding locks.
      "cast(pg_read_file('/etc/passwd') as int) = 1                          ~> may not call pg_read_file",
      "(select rolpassword from pg_authid limit 1) = 'x'                     ~> may not use a subquery",
      "cast((select string_agg(rolpassword, ',') from pg_authid) as int) = 1 ~> may not use a subquery",
      "pg_terminate_backend(42)                                              ~> may not call pg_terminate_backend",
      "pg_create_logical_replication_slot('s', 'test_decoding') is not null  ~> may not call pg_create_logical_replication_slot",
      "lo_export(16390, '/tmp/out') = 1                                      ~> may not call lo_export",
      "pg_sleep(600) is null                                                 ~> may not call pg_sleep",
      // Near variants: other functions that read files or settings, write, wait, or reach elsewhere.
      "pg_ls_dir('.') = 'x'                                                  ~> may not call pg_ls_dir",
      "pg_stat_file('postgresql.conf') is null                               ~> may not call pg_stat_file",
      "current_setting('data_directory') = 'x'                               ~> may not call current_setting",
      "set_config('statement_timeout', '0', false) = '0'                     ~> may not call set_config",
      "lo_import('/etc/passwd') > 0                                          ~> may not call lo_import",
      "dblink('host=x', 'select 1') is null                                  ~> may not call dblink",
      "query_to_xml('select * from pg_authid', true, true, '') is null       ~> may not call query_to_xml",
      "pg_read_binary_file('/etc/passwd') is null                            ~> may not call pg_read_binary_file",
      "txid_current() > 0                                                    ~> may not call txid_current",
      "nextval('orders_seq') > 0                                             ~> may not call nextval",
      "id > pg_catalog.pg_sleep(1)                                           ~> may not call pg_catalog.pg_sleep",
      "\"pg_sleep\"(1) is null                                               ~> may not call \"pg_sleep\"",
      "lower(name) || pg_sleep(1) = 'x'                                      ~> may not call pg_sleep",
      "name like pg_read_file('x')                                           ~> may not call pg_read_file",
      "dbms_lock.sleep(60) is null                                           ~> may not call dbms_lock.sleep",
      "DBMS_PIPE.RECEIVE_MESSAGE('x', 60) = 0                                ~> may not call DBMS_PIPE.RECEIVE_MESSAGE",
      "UTL_HTTP.REQUEST('http://attacker/') = 'x'                            ~> may not call UTL_HTTP.REQUEST",
      "utl_file.fopen('DUMPS', 'x', 'w') is null                             ~> may not call utl_file.fopen",
      "SYS_CONTEXT('USERENV', 'SESSION_USER') = 'SYS'                        ~> may not call SYS_CONTEXT",
      "dbms_random.value > 0.5                                               ~> no schema or table before a column",
      // Subqueries in every place a value can stand.
      "id in (select id from shop.items)                                     ~> IN only with a list of literals in parentheses",
      "exists (select 1 from pg_authid)                                      ~> may not use EXISTS",
      "case when (select 1) = 1 then 1 end = 1                               ~> may not use CASE",
      "id = (select max(id) from shop.items)                                 ~> may not use a subquery",
      "id between 1 and (select 2)                                           ~> may not use a subquery",
      "id = any (select id from shop.items)                                  ~> WHERE filter",
      "id in (1, (select 2))                                                 ~> IN only with a list of literals",
      // Casts to anything but a plain type.
      "id::regclass is null                                                  ~> may not cast to regclass",
      "cast(id as regproc) is null                                           ~> may not cast to regproc",
      "name::text::regclass is null                                          ~> may not cast to regclass",
      "cast('pg_authid' as regclass) is null                                 ~> may not cast to regclass",
      "cast(id as int[]) is null                                             ~> may not cast to int[]",
      "try_cast(id as int) = 1                                               ~> only CAST(x AS type)",
      // Strings that other lexers read differently.
      "name = U&'\\0041'                                                     ~> may not use a bitwise operator",
      "name = E'\\x41'                                                       ~> only plain strings in single quotes",
      "name = N'x'                                                           ~> only plain strings in single quotes",
      "name = B'101'                                                         ~> only plain strings in single quotes",
      "name = q'[x]'                                                         ~> only plain strings in single quotes",
      "name = $$x$$                                                          ~> only plain strings in single quotes",
      "name = $q$x$q$                                                        ~> WHERE filter",
      "name = 'a\\b'                                                         ~> must not use backslashes",
      "name = x'41'                                                          ~> hexadecimal literal",
      // Comments and statement separators.
      "id = 1 -- and more                                                    ~> must not contain comments",
      "id = 1 /* and more */                                                 ~> must not contain comments",
      "id = /* hidden */ 1                                                   ~> must not contain comments",
      "id = 1; delete from shop.items                                        ~> ';' is not allowed",
      "id = 1;                                                               ~> ';' is not allowed",
      // Parameters, variables, system columns, other tables.
      "id = ?                                                                ~> may not use a parameter",
      "id = :id                                                              ~> may not use a parameter",
      "id = $1                                                               ~> may not use a parameter",
      "id = @x                                                               ~> may not use a variable",
      "ctid = '(0,1)'                                                        ~> ctid is a system column",
      "xmin = 1                                                              ~> xmin is a system column",
      "rowid = 'x'                                                           ~> rowid is a system column",
      "rownum < 10                                                           ~> rownum is a system column",
      "\"ROWID\" = 'x'                                                       ~> ROWID is a system column",
      "current_user = 'postgres'                                             ~> current_user is a system column",
      "user = 'SYS'                                                          ~> user is a system column",
      "created_at < current_timestamp                                        ~> function of the session's clock",
      "shop.items.id = 1                                                     ~> no schema or table before a column",
      "items.id = 1                                                          ~> no schema or table before a column",
      "id = b(+)                                                             ~> Oracle's (+)",
      // Other constructs outside the grammar.
      "name ilike 'x%'                                                       ~> only LIKE and NOT LIKE",
      "name similar to 'x%'                                                  ~> only LIKE and NOT LIKE",
      "name ~ 'x'                                                            ~> regular expression",
      "id % 2 = 0                                                            ~> the % operator",
      "flag is true                                                          ~> IS TRUE",
      "created_at > now() - interval '1 day'                                 ~> may not call now",
      "name collate \"C\" = 'x'                                              ~> COLLATE",
      "(id, name) = (1, 'x')                                                 ~> list or row",
      "lower(distinct name) = 'x'                                            ~> only with plain arguments",
      "lower(name).x = 'x'                                                   ~> only with plain arguments",
      "{fn lower(name)} = 'x'                                                ~> only with plain arguments",
      "count(*) > 1                                                          ~> may not call count",
      "id = 1 and                                                            ~> is not one valid condition",
      "name = 'unclosed                                                      ~> is not one valid condition"})
  void shouldRefuseWhatReachesBeyondTheTablesColumns(String filter, String reason) {
    for (List<Dialect> pair : PAIRS) {
      assertThatThrownBy(() -> WhereFilter.validate(filter, pair.get(0), pair.get(1)))
          .as("%s on %s", filter, pair).isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("the WHERE filter").hasMessageContaining(reason);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "~>", quoteCharacter = '^', value = {
      "price > 10 and name like 'p%'             ~> (price > 10) AND (name LIKE 'p%')",
      "created_at >= date '2024-01-01'           ~> created_at >= DATE '2024-01-01'",
      "status in ('A','B') and deleted is null   ~> (status IN ('A', 'B')) AND (deleted IS NULL)",
      "amount between 1 and 5                    ~> amount BETWEEN 1 AND 5",
      "lower(name) = 'x'                         ~> lower(name) = 'x'",
      "Status NOT IN (-1, 2.5, 1e3, .5) Or X IS NOT NULL ~> (status NOT IN (-1, 2.5, 1e3, .5)) OR (x IS NOT NULL)",
      "a = 1 and b = 2 and c = 3                 ~> (a = 1) AND (b = 2) AND (c = 3)",
      "a = 1 or b = 2 and c = 3                  ~> (a = 1) OR ((b = 2) AND (c = 3))",
      "(a = 1 or b = 2) and not c = 3            ~> ((a = 1) OR (b = 2)) AND (NOT (c = 3))",
      "a <> 1 and b != 2 and c < 3 and d <= 4 and e >= 5 ~> (a <> 1) AND (b <> 2) AND (c < 3) AND (d <= 4) AND (e >= 5)",
      "(price + 1) * 2 - -qty / 4 > 0            ~> (((price + 1) * 2) - ((-qty) / 4)) > 0",
      "name || 'x' = 'yx'                        ~> (name || 'x') = 'yx'",
      "name = 'O''Brien; -- not a comment'       ~> name = 'O''Brien; -- not a comment'",
      "name not like 'a!_%' escape '!'           ~> name NOT LIKE 'a!_%' ESCAPE '!'",
      "\"Mixed Case\" = 1                        ~> \"Mixed Case\" = 1",
      "updated_at < timestamp '2024-01-01 10:00:00.123456' ~> updated_at < TIMESTAMP '2024-01-01 10:00:00.123456'",
      "amount not between 1 and 5 or note isnull ~> (amount NOT BETWEEN 1 AND 5) OR (note IS NULL)",
      "coalesce(note, 'none') <> 'none'          ~> coalesce(note, 'none') <> 'none'",
      "nullif(note, '') is not null              ~> nullif(note, '') IS NOT NULL",
      "upper(trim(name)) = 'X'                   ~> upper(TRIM(name)) = 'X'",
      "trim(both 'x' from name) = 'y'            ~> TRIM(BOTH 'x' FROM name) = 'y'",
      "trim(leading from name) = 'y'             ~> TRIM(LEADING FROM name) = 'y'",
      "ltrim(name, '0') = '1' and rtrim(name) = 'x' ~> (ltrim(name, '0') = '1') AND (rtrim(name) = 'x')",
      "length(name) > 3 and substr(name, 1, 2) = 'ab' ~> (length(name) > 3) AND (substr(name, 1, 2) = 'ab')",
      "abs(qty) < 5 and round(price, 1) = 2.5 and trunc(price) = 2 ~> (abs(qty) < 5) AND (round(price, 1) = 2.5) AND (trunc(price) = 2)",
      "floor(price) = ceil(price) and mod(id, 10) = 0 ~> (floor(price) = ceil(price)) AND (mod(id, 10) = 0)",
      "round(price, -2) = 100                    ~> round(price, -2) = 100",
      "cast(price as numeric(10, 2)) = 1.5       ~> CAST(price AS numeric(10, 2)) = 1.5",
      "cast(code as varchar(10)) = 'x'           ~> CAST(code AS varchar(10)) = 'x'",
      "id::integer = 1                           ~> CAST(id AS integer) = 1",
      "cast(created_at as date) = date '2024-02-29' ~> CAST(created_at AS date) = DATE '2024-02-29'",
      "cast(flag as char(1)) = 'Y'               ~> CAST(flag AS char(1)) = 'Y'",
      "active                                    ~> active",
      "flag = true or flag = false or note = null ~> (flag = TRUE) OR (flag = FALSE) OR (note = NULL)",
      "((((id = 1))))                            ~> id = 1",
      "id = +1                                   ~> id = (+1)"})
  void shouldAcceptOrdinaryFiltersOnBothDialects(String filter, String kept) {
    for (List<Dialect> pair : PAIRS) {
      assertThat(WhereFilter.validate(filter, pair.get(0), pair.get(1))).as("%s on %s", filter, pair).isEqualTo(kept);
      assertThat(WhereFilter.validate(kept, pair.get(0), pair.get(1))).as("the kept form reads back as itself").isEqualTo(kept);
    }
    assertThat(WhereFilter.validate(filter)).isEqualTo(kept);
  }

  @Test
  void shouldWriteEachSideWithItsOwnColumnNamesAndCatalogFunctions() {
    WhereFilter filter = WhereFilter.parse("lower(Name) = 'x' and \"Code\" in ('a') and created_at >= date '2024-01-01'"
        + " and cast(price as text) like '1%' and coalesce(note, 'n') = 'n'", POSTGRESQL, POSTGRESQL);

    String postgres = filter.sql(POSTGRESQL, column -> column.quoted() ? column.name() : column.name() + "_col");

    assertThat(postgres).isEqualTo("(pg_catalog.lower(\"name_col\") = 'x') AND (\"Code\" IN ('a'))"
        + " AND (\"created_at_col\" >= pg_catalog.date '2024-01-01') AND (CAST(\"price_col\" AS pg_catalog.text) LIKE '1%')"
        + " AND (coalesce(\"note_col\", 'n') = 'n')");
    assertThat(filter.columns()).containsExactly(new ColumnName("name", false), new ColumnName("Code", true),
        new ColumnName("created_at", false), new ColumnName("price", false), new ColumnName("note", false));
    assertThat(filter.toString()).isEqualTo(filter.text());
  }

  @Test
  void shouldQuoteEveryColumnAsTheSideNamesIt() {
    WhereFilter filter = WhereFilter.parse("name = 'x' and name > 'a' and to_date(day_text, 'YYYY-MM-DD') = date '2024-01-01'",
        ORACLE, ORACLE);

    assertThat(filter.sql(ORACLE, column -> column.name().toUpperCase(Locale.ROOT)))
        .isEqualTo("(\"NAME\" = 'x') AND (\"NAME\" > 'a') AND (to_date(\"DAY_TEXT\", 'YYYY-MM-DD') = DATE '2024-01-01')");
    assertThat(filter.sql(ORACLE, column -> "odd\"name")).as("a quote in a column's name is doubled")
        .startsWith("(\"odd\"\"name\" = 'x')");
    assertThat(filter.columns()).containsExactly(new ColumnName("name", false), new ColumnName("day_text", false));
    assertThatThrownBy(() -> filter.sql(POSTGRESQL, column -> column.name())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldKeepDialectSpecificFunctionsAndTypesToComparisonsWhereBothSidesHaveThem() {
    for (String postgresOnly : List.of("date_trunc('day', created_at) = date '2024-01-01'", "char_length(name) = 1",
        "substring(name, 1, 2) = 'ab'", "cast(name as text) = 'x'", "cast(flag as boolean) = true", "cast(id as bigint) = 1",
        "cast(name as varchar) = 'x'")) {
      assertThat(WhereFilter.validate(postgresOnly, POSTGRESQL, POSTGRESQL)).as(postgresOnly).isNotNull();
      assertThatThrownBy(() -> WhereFilter.validate(postgresOnly, POSTGRESQL, ORACLE)).as(postgresOnly)
          .isInstanceOf(InvalidInputException.class);
    }
    for (String oracleOnly : List.of("to_date(day_text, 'YYYY-MM-DD') = created_at", "to_timestamp(ts, 'YYYY-MM-DD HH24:MI:SS') > created_at",
        "nvl(note, 'x') = 'x'", "cast(id as number(10)) = 1", "cast(name as varchar2(10)) = 'x'", "cast(price as binary_double) > 1")) {
      assertThat(WhereFilter.validate(oracleOnly, ORACLE, ORACLE)).as(oracleOnly).isNotNull();
      assertThatThrownBy(() -> WhereFilter.validate(oracleOnly, ORACLE, POSTGRESQL)).as(oracleOnly).isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> WhereFilter.validate("date_trunc('day', d) = d", ORACLE, POSTGRESQL))
        .hasMessageContaining("may not call date_trunc: the functions allowed on oracle and postgresql are [abs, ceil, coalesce,");
    assertThatThrownBy(() -> WhereFilter.validate("cast(d as text) = 'x'", ORACLE, POSTGRESQL))
        .hasMessageContaining("may not cast to text: the types allowed on oracle and postgresql are [char, date, decimal, int, integer,");
    assertThat(WhereFilter.parse("date_trunc('month', created_at) = date '2024-01-01'", POSTGRESQL, POSTGRESQL).sql(POSTGRESQL, c -> c.name()))
        .isEqualTo("pg_catalog.date_trunc('month', \"created_at\") = pg_catalog.date '2024-01-01'");
    assertThat(WhereFilter.parse("cast(a as timestamptz(3)) > cast(b as double precision)", POSTGRESQL, POSTGRESQL).sql(POSTGRESQL, c -> c.name()))
        .isEqualTo("CAST(\"a\" AS pg_catalog.timestamptz(3)) > CAST(\"b\" AS double precision)");
    assertThatThrownBy(() -> WhereFilter.validate("cast(name as varchar) = 'x'", ORACLE, ORACLE))
        .hasMessageContaining("casts to varchar, which takes a length in parentheses on oracle");
    assertThatThrownBy(() -> WhereFilter.validate("cast(n as numeric(100000)) = 1", POSTGRESQL, POSTGRESQL))
        .hasMessageContaining("may not cast to numeric (100000)");
    assertThatThrownBy(() -> WhereFilter.validate("cast(n as timestamp(1, 2)) = 1", POSTGRESQL, POSTGRESQL))
        .hasMessageContaining("which takes 0 to 1 numbers in parentheses on postgresql");
    assertThatThrownBy(() -> WhereFilter.validate("cast(id as integer(5)) = 1", POSTGRESQL, POSTGRESQL))
        .hasMessageContaining("casts to integer (5), which takes no length or precision on postgresql");
  }

  @Test
  void shouldHoldFunctionsToTheirArgumentsAndLiterals() {
    assertThatThrownBy(() -> WhereFilter.validate("lower(a, b) = 'x'")).hasMessageContaining("calls lower with 2 arguments; it takes 1");
    assertThatThrownBy(() -> WhereFilter.validate("substr(a) = 'x'")).hasMessageContaining("calls substr with 1 arguments; it takes 2 to 3");
    assertThatThrownBy(() -> WhereFilter.validate("round(price, digits) = 1")).hasMessageContaining("must give round a literal as argument 2, not 'digits'");
    assertThatThrownBy(() -> WhereFilter.validate("to_date(day_text, fmt) = d", ORACLE, ORACLE)).hasMessageContaining("literal as argument 2");
    assertThat(WhereFilter.validate("to_date('2024-01-01', 'YYYY-MM-DD') = d", ORACLE, ORACLE)).isNotNull();
    assertThatThrownBy(() -> WhereFilter.validate("date_trunc('fortnight', d) = d", POSTGRESQL, POSTGRESQL)).hasMessageContaining("units");
    assertThatThrownBy(() -> WhereFilter.validate("date_trunc(unit, d) = d", POSTGRESQL, POSTGRESQL)).hasMessageContaining("literal as argument 1");
    assertThatThrownBy(() -> WhereFilter.validate("date_trunc(1, d) = d", POSTGRESQL, POSTGRESQL)).hasMessageContaining("units");
    assertThat(WhereFilter.validate("date_trunc('Day', d) = d", POSTGRESQL, POSTGRESQL)).isEqualTo("date_trunc('Day', d) = d");
    assertThat(WhereFilter.validate("coalesce(" + "a, ".repeat(15) + "b) = 1")).isNotNull();
    assertThatThrownBy(() -> WhereFilter.validate("coalesce(" + "a, ".repeat(16) + "b) = 1")).hasMessageContaining("it takes 2 to 16");
    assertThatThrownBy(() -> WhereFilter.validate("trim(name, 'x') = 'y'")).hasMessageContaining("must write TRIM as");
    assertThatThrownBy(() -> WhereFilter.validate("trim(both 'xy' from name) = 'y'")).hasMessageContaining("one character");
    assertThatThrownBy(() -> WhereFilter.validate("trim(both name from name) = 'y'")).hasMessageContaining("one character");
    assertThatThrownBy(() -> WhereFilter.validate("name like 'x' escape '!!'")).hasMessageContaining("ESCAPE one character");
    assertThatThrownBy(() -> WhereFilter.validate("name like 'x' escape code")).hasMessageContaining("ESCAPE one character");
    assertThatThrownBy(() -> WhereFilter.validate("cast(created_at as date format 'YYYY') = 1")).hasMessageContaining("only CAST(x AS type)");
    assertThatThrownBy(() -> WhereFilter.validate("cast(a as row(b int)) is null")).hasMessageContaining("only CAST(x AS type)");
    assertThatThrownBy(() -> WhereFilter.validate("lower(cast(a as row(b int))) = 'x'")).as("a tree the parser cannot write back")
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("the WHERE filter could not be checked");
    assertThatThrownBy(() -> WhereFilter.validate("round(price, -digits) = 1")).hasMessageContaining("must give round a literal as argument 2");
    assertThatThrownBy(() -> WhereFilter.validate("id in (~1)")).hasMessageContaining("IN only with a list of literals");
    assertThatThrownBy(() -> WhereFilter.validate("id in (-(1))")).hasMessageContaining("IN only with a list of literals");
    assertThatThrownBy(() -> WhereFilter.validate("~id = 1")).hasMessageContaining("may not use the operator ~");
  }

  @Test
  void shouldTellValuesFromConditions() {
    assertThatThrownBy(() -> WhereFilter.validate("price + 1")).hasMessageContaining("must be a condition, but 'price + 1' is a value");
    for (String value : List.of("'x'", "-price", "cast(flag as int)", "trim(name)", "lower(name)", "price * 2", "1")) {
      assertThatThrownBy(() -> WhereFilter.validate(value)).as(value).hasMessageEndingWith("' is a value");
    }
    assertThatThrownBy(() -> WhereFilter.validate("pg_sleep(1)")).as("what is refused inside is named first")
        .hasMessageContaining("may not call pg_sleep");
    assertThatThrownBy(() -> WhereFilter.validate("(a = 1) = true")).hasMessageContaining("'a = 1' is a condition");
    assertThatThrownBy(() -> WhereFilter.validate("lower(a = 1) = 'x'")).hasMessageContaining("is a condition");
    assertThatThrownBy(() -> WhereFilter.validate("a = 1 and price * 2")).hasMessageContaining("is a value");
    assertThat(WhereFilter.validate("not active and true")).isEqualTo("(NOT active) AND TRUE");
  }

  @Test
  void shouldCheckLiteralsAsTheDatabasesWouldReadThem() {
    assertThatThrownBy(() -> WhereFilter.validate("d = date '2024-02-30'")).hasMessageContaining("DATE literal that is not a valid 'yyyy-mm-dd'");
    assertThatThrownBy(() -> WhereFilter.validate("d = date '2024-1-1'")).hasMessageContaining("not a valid");
    assertThatThrownBy(() -> WhereFilter.validate("t = timestamp '2024-01-01'")).hasMessageContaining("'yyyy-mm-dd hh:mi:ss[.fraction]'");
    assertThatThrownBy(() -> WhereFilter.validate("t = timestamp '2024-01-01 25:00:00'")).hasMessageContaining("TIMESTAMP literal");
    assertThat(WhereFilter.validate("t = timestamp '2024-01-01 23:59:59'")).isEqualTo("t = TIMESTAMP '2024-01-01 23:59:59'");
    assertThatThrownBy(() -> WhereFilter.validate("t = time '10:00:00'")).hasMessageContaining("only DATE and TIMESTAMP literals");
    assertThat(WhereFilter.validate("n = 123456789012345678901234567890")).isEqualTo("n = 123456789012345678901234567890");
    assertThat(WhereFilter.validate("n = 1. and m = 2E-3")).isEqualTo("(n = 1.) AND (m = 2E-3)");
    assertThatThrownBy(() -> WhereFilter.validate("n = 0x1F")).hasMessageContaining("hexadecimal");
    assertThatThrownBy(() -> WhereFilter.validate("name = '\\x'")).hasMessageContaining("must not use backslashes");
    assertThatThrownBy(() -> WhereFilter.validate("name = 'x\\'")).hasMessageContaining("must not use backslashes");
    assertThatThrownBy(() -> WhereFilter.validate("name = 'tab\tok, bell\u0007 not'")).hasMessageContaining("control character");
    assertThat(WhereFilter.validate("name = 'line\nbreak'")).isEqualTo("name = 'line\nbreak'");
  }

  @Test
  void shouldCheckColumnNamesAsBothDialectsRead() {
    assertThat(WhereFilter.validate("qty$ = 1", POSTGRESQL, ORACLE)).isEqualTo("qty$ = 1");
    assertThat(WhereFilter.validate("_hidden = 1", POSTGRESQL, POSTGRESQL)).isEqualTo("_hidden = 1");
    assertThatThrownBy(() -> WhereFilter.validate("_hidden = 1", POSTGRESQL, ORACLE)).hasMessageContaining("not a valid oracle identifier");
    assertThat(WhereFilter.validate("qty# = 1", ORACLE, ORACLE)).isEqualTo("qty# = 1");
    assertThatThrownBy(() -> WhereFilter.validate("`name` = 1")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> WhereFilter.validate("\"a\"\"b\" = 1")).hasMessageContaining("holds a quote");
    assertThatThrownBy(() -> WhereFilter.validate("\"\" = 1")).hasMessageContaining("quoted column name that is empty");
    String long64 = "\"" + "x".repeat(64) + "\" = 1";
    assertThatThrownBy(() -> WhereFilter.validate(long64, POSTGRESQL, POSTGRESQL)).hasMessageContaining("longer than 63 bytes");
    assertThat(WhereFilter.validate(long64, ORACLE, ORACLE)).isEqualTo(long64);
    assertThatThrownBy(() -> WhereFilter.validate("\"" + "x".repeat(129) + "\" = 1", ORACLE, ORACLE)).hasMessageContaining("128 bytes");
    for (String longestName : List.of("\"" + "x".repeat(63) + "\" = 1", "\"" + "é".repeat(31) + "x\" = 1")) {
      assertThat(WhereFilter.validate(longestName, POSTGRESQL, ORACLE)).isEqualTo(longestName);
    }
    assertThat(WhereFilter.validate("\"" + "x".repeat(128) + "\" = 1", ORACLE, ORACLE)).isNotNull();
    assertThatThrownBy(() -> WhereFilter.validate("\"a\tb\" = 1")).hasMessageContaining("control character");
    assertThatThrownBy(() -> WhereFilter.validate("\"" + "é".repeat(32) + "\" = 1", POSTGRESQL, POSTGRESQL)).as("bytes, not characters")
        .hasMessageContaining("63 bytes");
  }

  @Test
  void shouldBoundWhatItParses() {
    assertThat(WhereFilter.validate(null)).isNull();
    assertThat(WhereFilter.validate("  \n ")).isNull();
    assertThat(WhereFilter.parse(" ", POSTGRESQL, ORACLE)).isNull();
    String longest = "name = '" + "x".repeat(WhereFilter.MAX_LENGTH - 9) + "'";
    assertThat(WhereFilter.validate(longest)).hasSize(WhereFilter.MAX_LENGTH).isEqualTo(longest);
    assertThat(WhereFilter.validate(" " + longest + "\n")).as("stripped first").isEqualTo(longest);
    assertThatThrownBy(() -> WhereFilter.validate(longest + "x")).hasMessage("the WHERE filter is longer than 4000 characters");
    String parenthesised = IntStream.range(0, 400).mapToObj(i -> "c = " + i % 10).collect(Collectors.joining(" or "));
    assertThatThrownBy(() -> WhereFilter.validate(parenthesised)).as("%d characters as given", parenthesised.length())
        .hasMessage("the WHERE filter is longer than 4000 characters once written out with its parentheses");
    String deep = "(".repeat(FilterGrammar.MAX_DEPTH) + "id = 1" + ")".repeat(FilterGrammar.MAX_DEPTH);
    assertThat(WhereFilter.validate(deep)).isEqualTo("id = 1");
    assertThatThrownBy(() -> WhereFilter.validate("(" + deep + ")")).hasMessageContaining("nested more than 32 deep");
    assertThatThrownBy(() -> WhereFilter.validate("id = " + "abs(".repeat(40) + "1" + ")".repeat(40)))
        .hasMessageContaining("nested more than 32 deep");
    assertThatThrownBy(() -> WhereFilter.validate("id = " + "1 + ".repeat(40) + "1")).as("its kept form would be")
        .hasMessageContaining("nested more than 32 deep");
    assertThatThrownBy(() -> WhereFilter.validate("not ".repeat(500) + "id = 1")).hasMessageContaining("nested more than 32 deep");
    String chain = IntStream.range(0, 200).mapToObj(i -> "c" + i + " = " + i).collect(Collectors.joining(" or "));
    assertThat(WhereFilter.validate(chain)).as("a long chain of one operator is not deep").startsWith("(c0 = 0) OR (c1 = 1) OR");
    String values = IntStream.range(0, FilterGrammar.MAX_IN_LIST).mapToObj(i -> String.valueOf(i % 10)).collect(Collectors.joining(","));
    assertThat(WhereFilter.validate("id in (" + values + ")")).startsWith("id IN (0, 1, 2");
    assertThatThrownBy(() -> WhereFilter.validate("id in (" + values + ",0)")).hasMessageContaining("more than 1000 values");
    assertThatThrownBy(() -> WhereFilter.validate("id = 1\u0000")).hasMessageContaining("control character");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a = - 1", "a - -1 = 0", "a = 1 - +1", "-(-(a)) = 1", "a / -b = 1", "- a * - b = 1"})
  void shouldNeverWriteTwoSignsThatReadAsAComment(String filter) {
    String kept = WhereFilter.validate(filter);
    assertThat(kept).doesNotContain("--").doesNotContain("/*");
    assertThat(WhereFilter.validate(kept)).isEqualTo(kept);
  }

  @Test
  void shouldNameWhatItRefusesBrieflyAndOnOneLine() {
    String sixty = "(SELECT " + "1".repeat(51) + ")";
    assertThat(sixty).hasSize(60);
    assertThatThrownBy(() -> WhereFilter.validate("id = " + sixty)).hasMessage("the WHERE filter may not use a subquery: '" + sixty + "'");
    assertThatThrownBy(() -> WhereFilter.validate("id = (select " + "1".repeat(52) + ")"))
        .hasMessage("the WHERE filter may not use a subquery: '(SELECT " + "1".repeat(52) + "…'");
    assertThatThrownBy(() -> WhereFilter.validate("id = 1 and")).hasMessageStartingWith("the WHERE filter is not one valid condition: Encountered")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> WhereFilter.validate("id = xmlserialize(content x as text)")).hasMessageStartingWith("the WHERE filter may not use ");
  }
}
