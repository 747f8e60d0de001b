/**
 * Table comparison: two targets' tables compared by primary-key chunks, each chunk hashed inside each
 * database (count and an order-independent sum of row hashes over normalised rows), only the chunks whose
 * hashes differ split into buckets and drilled into, and only keys and row hashes fetched where a bucket
 * differs.
 *
 * <p>What the package holds, in the order a comparison goes:
 * <ul>
 *   <li>The runbook: {@link io.rebound.compare.TableCompareRunbook} (what the runbook core knows of it),
 *       {@link io.rebound.compare.TableCompareProcess} (key, element ids, variables), the inputs
 *       ({@link io.rebound.compare.ComparisonInputs}, {@link io.rebound.compare.TableSpec}), the model's lanes
 *       ({@link io.rebound.compare.ComparisonPlan}) and its thin delegates (a table's in
 *       {@link io.rebound.compare.TableSteps}, the run's summary in {@link io.rebound.compare.ComparisonSteps}) over
 *       {@link io.rebound.compare.ComparisonService}, which runs a table a batch of chunks at a time and stores
 *       every batch's result ({@link io.rebound.compare.ComparisonStore}, Rebound's own tables).</li>
 *   <li>One table compared, {@link io.rebound.compare.TableComparator} telling the order of the work: the table made
 *       ready from both catalogs ({@code TablePreparation} into a {@link io.rebound.compare.PreparedTable}), cut into
 *       key ranges ({@code KeyRanges}), each side's statements run at once on read-only sessions within the
 *       statement and lock timeouts ({@code BothSides}), their answers compared into a
 *       {@link io.rebound.compare.ChunkResult} ({@code ChunkDiff}), and for the first rows found different the
 *       columns that differ named with both values, secret ones withheld
 *       ({@link io.rebound.compare.RowDifferences}).</li>
 *   <li>The SQL, written only by each side's dialect, {@link io.rebound.compare.CompareSql}
 *       ({@link io.rebound.compare.PostgresCompareSql}, {@link io.rebound.compare.OracleCompareSql}), from the form
 *       both share ({@code ChunkSql}) and a row's text ({@code RowText}). What a user types that reaches the
 *       databases, a table's WHERE filter, is parsed and written anew through an allow-listed grammar
 *       ({@link io.rebound.compare.WhereFilter}, {@code FilterGrammar}, {@code FilterFunctions}).</li>
 *   <li>Where a comparison stands, for the API and the console: its runs ({@link io.rebound.compare.ComparisonRuns}:
 *       running while any run of it goes on, newest first, a retry of its failed tables) and its report
 *       ({@link io.rebound.compare.ComparisonReport}: state, counts, samples, progress and time left).</li>
 * </ul>
 * The comparison's sessions use the targets' comparison accounts where configured, and destroy nothing, so a
 * comparison needs no approval.
 */
package io.rebound.compare;
