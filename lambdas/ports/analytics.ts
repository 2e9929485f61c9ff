/**
 * SQL over the event lake: Athena in AWS, DuckDB over the local Parquet lake in `npm start`.
 * Both expose the same table names (see `athena/`), so a query runs unchanged on either.
 */
export type AnalyticsParam = string | number | boolean | null;

export interface AnalyticsColumn {
  readonly name: string;
  readonly type: string;
}

export interface AnalyticsResult {
  readonly columns: readonly AnalyticsColumn[];
  readonly rows: readonly Record<string, unknown>[];
}

export interface AnalyticsQueryOptions {
  /** Values for `?` placeholders, in order. */
  readonly params?: readonly AnalyticsParam[];
  /** Rows beyond this are not returned (default 10,000). */
  readonly maxRows?: number;
}

export interface Analytics {
  query(sql: string, options?: AnalyticsQueryOptions): Promise<AnalyticsResult>;
  close(): Promise<void>;
}
