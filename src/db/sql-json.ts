import { type SQL, sql } from "drizzle-orm";

/**
 * JSON text built by Postgres, typed with the shape it holds. Bodies travel from the database to
 * the client as this text, never parsed and re-serialised in the Worker: that costs no CPU and
 * keeps every number exactly as Postgres computed it (totals of numeric money included).
 */
export type JsonText<T> = string & { readonly __json?: T };

/** ISO 8601 in UTC with milliseconds, as the API shows times, formatted by Postgres. */
export const isoTime = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Money as a JSON number without trailing zeros (100.00 → 100), exact at any size. */
export const money = (value: SQL) => sql`trim_scale(${value})`;

/** A Postgres bigint[] parameter from ids already validated as integers. */
export const idArray = (ids: readonly number[]) => `{${ids.join(",")}}`;
