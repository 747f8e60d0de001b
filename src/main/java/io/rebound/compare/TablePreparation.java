package io.rebound.compare;

import io.rebound.compare.CompareSql.TypedValue;
import io.rebound.compare.TableComparator.Side;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import io.rebound.target.Jdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A table made ready to compare, before any of its rows is read: both sides' columns from their catalogs, the
 * key, the compared columns matched by name and their kinds, the user's filter written for each side, and
 * every reason it cannot be compared (a missing column, a type no side can hash alike, character sets that
 * hash text differently, a privilege the comparison account lacks) told as a refusal.
 */
final class TablePreparation {

  private TablePreparation() {}

  /**
   * Reads both tables' columns and checks they can be compared: the key exists, every compared column is
   * on both sides with a comparable kind, every column the filter names is in both tables.
   */
  static PreparedTable prepare(Side source, Side destination, TableSpec spec) throws SQLException {
    WhereFilter filter = WhereFilter.parse(spec.where(), source.sql().dialect(), destination.sql().dialect());
    TableRef sourceTable = TableRef.parse(source.sql().dialect(), spec.name());
    TableRef destinationTable = TableRef.parse(destination.sql().dialect(), spec.nameOnDestination());
    Map<String, Column> sourceColumns = columns(source, sourceTable);
    Map<String, Column> destinationColumns = columns(destination, destinationTable);
    String sourceWhere = filter == null ? null
        : filter.sql(source.sql().dialect(), name -> filterColumn(sourceColumns, name, sourceTable).name());
    String destinationWhere = filter == null ? null : filter.sql(destination.sql().dialect(), name -> {
      Column inSource = filterColumn(sourceColumns, name, sourceTable);
      Column inDestination = destinationColumns.get(fold(inSource.name()));
      if (inDestination == null) {
        throw new InvalidInputException("the WHERE filter names column " + name + ", which is not in the destination's " + destinationTable);
      }
      return inDestination.name();
    });
    List<String> key = spec.primaryKey().isEmpty()
        ? Jdbc.queryStrings(source.connection(), source.sql().primaryKeyQuery(), sourceTable.schema(), sourceTable.table())
        : spec.primaryKey();
    if (key.isEmpty()) {
      throw new InvalidInputException(sourceTable + " has no primary key; name the key columns");
    }
    List<String> wanted = new ArrayList<>(key.stream().map(TablePreparation::fold).toList());
    List<String> others = spec.columns().isEmpty() ? List.copyOf(sourceColumns.keySet()) : spec.columns().stream().map(TablePreparation::fold).toList();
    others.stream().filter(c -> !wanted.contains(c)).forEach(wanted::add);
    List<Column> sourceList = new ArrayList<>();
    List<Column> destinationList = new ArrayList<>();
    for (String name : wanted) {
      Column inSource = sourceColumns.get(name);
      Column inDestination = destinationColumns.get(name);
      if (inSource == null) {
        throw new InvalidInputException("column " + name + " is not in the source's " + sourceTable);
      }
      if (inDestination == null) {
        throw new InvalidInputException("column " + name + " is not in the destination's " + destinationTable);
      }
      sourceList.add(inSource);
      destinationList.add(inDestination);
    }
    refuseUnsupported(sourceList, "source's", sourceTable);
    refuseUnsupported(destinationList, "destination's", destinationTable);
    String characterSets = characterSetRefusal(source.sql().dialect(), source.sql().characterSet(source.connection()),
        destination.sql().dialect(), destination.sql().characterSet(destination.connection()));
    if (characterSets != null) {
      throw new InvalidInputException(characterSets);
    }
    refuseMissingPrivileges(source.sql().missingPrivileges(source.connection(), sourceTable, sourceList), "source");
    refuseMissingPrivileges(destination.sql().missingPrivileges(destination.connection(), destinationTable, destinationList), "destination");
    for (int i = 0; i < key.size(); i++) {
      if (sourceList.get(i).kind() == ColumnKind.BINARY || sourceList.get(i).kind() == ColumnKind.OTHER) {
        throw new InvalidInputException("key column " + sourceList.get(i).name() + " has a type that cannot bound a key range");
      }
    }
    boolean byModulo = key.size() == 1 && sourceList.get(0).kind() == ColumnKind.NUMBER && destinationList.get(0).kind() == ColumnKind.NUMBER
        && source.sql().isInteger(sourceList.get(0)) && destination.sql().isInteger(destinationList.get(0));
    List<TypedValue> sourceTyped = new ArrayList<>();
    List<TypedValue> destinationTyped = new ArrayList<>();
    if (source.sql().hashesTypedValues(source.connection()) && destination.sql().hashesTypedValues(destination.connection())) {
      for (int i = 0; i < sourceList.size(); i++) {
        sourceTyped.add(source.sql().typedValue(sourceList.get(i), destinationList.get(i)));
        destinationTyped.add(destination.sql().typedValue(destinationList.get(i), sourceList.get(i)));
      }
    }
    return new PreparedTable(sourceTable, destinationTable, sourceList, destinationList, key.size(), sourceWhere, destinationWhere, byModulo,
        sourceTyped, destinationTyped, RowText.widths(sourceList, destinationList),
        sameKeyCollation(source, sourceTable, sourceList, destination, destinationTable, destinationList, key.size()));
  }

  /** A column of a type that cannot be compared is named before anything is read, with what to do. */
  static void refuseUnsupported(List<Column> columns, String side, TableRef table) {
    for (Column column : columns) {
      if (column.kind() == ColumnKind.UNSUPPORTED) {
        throw new InvalidInputException("column " + column.name() + " of the " + side + " " + table + " has type " + column.type()
            + ", which cannot be compared (LONG, LONG RAW, BFILE, object types, XMLTYPE, ANYDATA and JSON cannot): leave it out of \"columns\"");
      }
    }
  }

  private static void refuseMissingPrivileges(List<String> missing, String side) {
    if (!missing.isEmpty()) {
      throw new InvalidInputException("the account comparisons connect as on the " + side + " lacks " + String.join(" and ", missing));
    }
  }

  /**
   * Why the sides' texts cannot hash alike, or null. Rows are hashed as the bytes of their text: PostgreSQL's
   * in UTF-8 (as its databases are), Oracle's in its database character set, which meets UTF-8 only as
   * AL32UTF8 (UTF8 is CESU-8, and other sets are other bytes). Two databases of one dialect meet in the same
   * character set, whichever it is.
   */
  static String characterSetRefusal(Dialect sourceDialect, String sourceSet, Dialect destinationDialect, String destinationSet) {
    if (sourceDialect == destinationDialect) {
      return Objects.equals(sourceSet, destinationSet) ? null
          : "the source's database character set is " + sourceSet + " and the destination's " + destinationSet
              + ": their text hashes differently, so they cannot be compared";
    }
    for (String[] side : new String[][] {{"source", sourceSet}, {"destination", destinationSet}}) {
      if (side[1] != null && !side[1].equals(OracleCompareSql.UNICODE)) {
        return "the " + side[0] + "'s Oracle database character set is " + side[1] + ": its text hashes as PostgreSQL's UTF-8 text only in "
            + OracleCompareSql.UNICODE + ", so it cannot be compared with PostgreSQL";
      }
    }
    return null;
  }

  /**
   * The source's column a filter names: a plain name whatever its case (as the comparison's other column
   * names match), a quoted one exactly.
   */
  private static Column filterColumn(Map<String, Column> columns, WhereFilter.ColumnName name, TableRef table) {
    Column column = name.quoted()
        ? columns.values().stream().filter(c -> c.name().equals(name.name())).findFirst().orElse(null)
        : columns.get(fold(name.name()));
    if (column == null) {
      throw new InvalidInputException("the WHERE filter names column " + name + ", which is not in the source's " + table);
    }
    return column;
  }

  /**
   * Whether every text key column sorts the same way on both sides in a collation of its own (same provider,
   * locale and library version), so that ranges can compare keys in it and use the primary key's index.
   * Otherwise text keys are ranged in byte order, which any server can do alike (but PostgreSQL then filters
   * instead of using an index on a column that is not in the "C" collation).
   */
  private static boolean sameKeyCollation(Side source, TableRef sourceTable, List<Column> sourceColumns, Side destination,
      TableRef destinationTable, List<Column> destinationColumns, int keyCount) throws SQLException {
    boolean anyText = false;
    for (int i = 0; i < keyCount; i++) {
      Column mine = sourceColumns.get(i);
      Column theirs = destinationColumns.get(i);
      if (!isText(mine) && !isText(theirs)) {
        continue;
      }
      anyText = true;
      String collation = source.sql().collation(source.connection(), sourceTable, mine);
      if (collation == null || CompareSql.BYTE_ORDER.equals(collation)
          || !collation.equals(destination.sql().collation(destination.connection(), destinationTable, theirs))) {
        return false;
      }
    }
    return anyText;
  }

  private static boolean isText(Column column) {
    return column.kind() == ColumnKind.TEXT || column.kind() == ColumnKind.CHAR;
  }

  private static Map<String, Column> columns(Side side, TableRef table) throws SQLException {
    Map<String, Column> columns = new LinkedHashMap<>();
    try (PreparedStatement statement = side.connection().prepareStatement(side.sql().columnsQuery())) {
      Jdbc.bind(statement, table.schema(), table.table());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          String name = rows.getString(1);
          columns.put(fold(name), new Column(name, rows.getString(2), side.sql().kindOf(rows.getString(3), rows.getString(2))));
        }
      }
    }
    if (columns.isEmpty()) {
      throw new TableComparator.TableMissingException(table + " does not exist or cannot be read");
    }
    return columns;
  }

  /** Column names match across dialects whatever their case. */
  private static String fold(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
