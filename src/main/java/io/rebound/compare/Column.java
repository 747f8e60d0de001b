package io.rebound.compare;

/**
 * A column as the catalog describes it.
 *
 * @param name canonical identifier
 * @param type the declared type as the database spells it, for casts (e.g. {@code numeric(10,2)})
 */
public record Column(String name, String type, ColumnKind kind) {}
