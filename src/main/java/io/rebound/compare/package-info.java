/**
 * Table comparison: two targets' tables compared by primary-key chunks, each chunk hashed inside each
 * database (count and an order-independent sum of row hashes over normalised rows), only the chunks whose
 * hashes differ split and drilled into, and only keys and row hashes fetched where a chunk is small
 * enough. Nothing here knows about Camunda.
 */
package io.rebound.compare;
