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

/**
 * A JSON object with these keys, in this order, compact (`{"id":1,"deleted":true}`): `to_json` of
 * a record, where `json_build_object` would print `{"id" : 1, …}`. A value that is itself JSON
 * (`jsonAgg(…)`, another `jsonObject`) is embedded as JSON.
 */
export const jsonObject = (fields: Record<string, SQL>) =>
  sql`(select to_json(j) from (select ${sql.join(
    Object.entries(fields).map(([key, value]) => sql`${value} as ${sql.identifier(key)}`),
    sql`, `,
  )}) j)`;

/**
 * `jsonObject` for a body the API declares: `T` is the zod response schema's type, and the keys
 * must be exactly its keys, so a field added to the schema and not to the SQL (or the other way
 * round) fails to compile. Values stay SQL: the tests check each body against its schema.
 */
export const jsonObjectOf = <T extends object>(fields: { [K in keyof T]-?: SQL }) =>
  jsonObject(fields as Record<string, SQL>);

/**
 * A compact JSON array of `item` over the rows of the surrounding query, in `orderBy` order;
 * `[]` when there are none. An aggregate: use it where `json_agg` would go.
 */
export const jsonAgg = (item: SQL, orderBy: SQL, filter?: SQL) =>
  sql`coalesce('[' || string_agg((${item})::text, ',' order by ${orderBy})${filter ? sql` filter (where ${filter})` : sql``} || ']', '[]')::json`;

/** The answer of a delete of one row `r`: `{"id":7,"deleted":true}`. */
export const deletedJson = jsonObjectOf<{ id: number; deleted: true }>({ id: sql`r.id`, deleted: sql`true` });
