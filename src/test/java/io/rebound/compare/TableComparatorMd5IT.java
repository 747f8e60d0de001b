package io.rebound.compare;

/** {@link TableComparatorIT}'s cases with rows hashed as normalised text with MD5, the way used whenever Oracle is a side. */
class TableComparatorMd5IT extends TableComparatorIT {

  @Override
  CompareSql sql() {
    return new Md5Only();
  }

  @Override
  boolean emptyTextIsNull() {
    return true;
  }
}
