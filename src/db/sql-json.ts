import { type SQL, sql } from "drizzle-orm";

/**
 * Timestamps as the API shows them (ISO 8601, milliseconds, UTC), formatted by Postgres so
 * JSON built in SQL needs no per-field fix-up in the Worker.
 */
export const isoTime = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Reads the single json column a statement built; the driver has parsed it already. */
export function jsonColumn<T>(result: { rows: unknown[] }, column = "body"): T | undefined {
  const row = result.rows[0] as Record<string, unknown> | undefined;
  return row?.[column] as T | undefined;
}

/** The `id` column of RETURNING rows (int8 arrives as text from a raw statement). */
export function idColumn(result: { rows: unknown[] }): number[] {
  return result.rows.map((r) => Number((r as { id: number | string }).id));
}

export function jsonRows<T>(result: { rows: unknown[] }, column = "body"): T[] {
  return result.rows.map((r) => (r as Record<string, unknown>)[column] as T);
}
