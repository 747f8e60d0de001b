/**
 * Table comparison: two targets' tables compared by primary-key chunks, each chunk hashed inside each
 * database (count and an order-independent sum of row hashes over normalised rows), only the chunks whose
 * hashes differ split and drilled into, and only keys and row hashes fetched where a chunk is small
 * enough. What a user types that reaches the databases, a table's WHERE filter, is parsed and written
 * anew through an allow-listed grammar ({@link io.rebound.compare.WhereFilter}); the sessions are read-only,
 * bounded by statement and lock timeouts, and use the targets' comparison accounts where configured. For the
 * first rows found different, the columns that differ are named with both values, secret ones withheld
 * ({@link io.rebound.compare.RowDifferences}).
 * Nothing here knows about Camunda.
 */
package io.rebound.compare;
