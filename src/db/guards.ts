import { SQL, sql } from "drizzle-orm";
import type { IfMatch } from "../lib/conditional";
import type { Resource } from "../resources";
import { idArray } from "./sql-json";

/**
 * A SQL expression that fails the statement, and with it the batch, with a domain error
 * (migration 0003). `facts` is JSON known here, or a jsonb expression computed in SQL.
 */
/**
 * The codes SQL guards raise (migration 0003's raise_domain). Each is a problem of the catalogue
 * (problems/catalogue.ts), which maps a database answer back by code alone.
 */
export const DOMAIN_CODES = [
  "not_found",
  "unknown_ids",
  "version_mismatch",
  "missing_for_if_match",
  "idempotency_key_reused",
] as const;
export type DomainCode = (typeof DOMAIN_CODES)[number];

/**
 * Not a problem: a retry whose Idempotency-Key already committed a write. Its facts are the
 * stored answer, which the write answers again.
 */
export const REPLAY = "idempotency_replay";

/** What a guard knows of a failure: raise_domain's DETAIL, read back by problems/database.ts. */
interface DomainFacts {
  resource?: Resource;
  id?: number | string;
  ids?: (number | string)[];
  /** The request field at fault, when there is one. */
  field?: string;
}

export function raise(code: DomainCode | typeof REPLAY, facts: DomainFacts | SQL): SQL {
  const json = facts instanceof SQL ? facts : sql`${JSON.stringify(facts)}::jsonb`;
  return sql`raise_domain(${code}, ${json})`;
}

/** A check of a guard: when `failed` holds, `raised` fails the statement. */
export type Check = [failed: SQL, raised: SQL];

/**
 * The `guard` CTE: one row, column `ok`, 0 when every check passes; the first failing check
 * raises. Statements read it as `guardPasses`: a condition without columns becomes a one-time
 * filter that Postgres evaluates before any scan, so the guard always runs. (A join with it would
 * be skipped whenever the other side of the join is empty.)
 */
export function guard(...checks: Check[]): SQL {
  const whens = sql.join(
    checks.map(([failed, raised]) => sql`when ${failed} then ${raised}`),
    sql` `,
  );
  return sql`guard as (select case ${whens} else 0 end as ok)`;
}

export const guardPasses = sql`(select ok from guard) = 0`;

/**
 * The checks a write to one existing resource makes: it exists (404, or 412 for `If-Match: *`,
 * which RFC 9110 makes false without a current representation) and, with If-Match tags, its
 * version is one of them (412).
 */
export function targetChecks(resource: Resource, id: number, ifMatch: IfMatch, target: { exists: SQL; version: SQL }) {
  const checks: Check[] = [
    [sql`not ${target.exists}`, raise(ifMatch === "*" ? "missing_for_if_match" : "not_found", { resource, id })],
  ];
  if (Array.isArray(ifMatch)) {
    checks.push([
      sql`${target.version} <> all(${`{${ifMatch.join(",")}}`}::text[])`,
      raise("version_mismatch", { resource, id }),
    ]);
  }
  return checks;
}

/**
 * Locks one row before anything that depends on it reads. Under READ COMMITTED every statement
 * of a batch takes its own snapshot when it starts, so the statements after this one see
 * whatever the transaction it waited for committed. A lock taken inside the statement that also
 * reads (a CTE with FOR UPDATE) would wait, then act on its older snapshot.
 */
export const lockRow = (table: "products" | "orders" | "orders_products", id: number) =>
  sql`select id from ${sql.identifier(table)} where id = ${id} for update`;

/** Locks rows by id in id order, so two writes locking overlapping sets cannot deadlock. */
export const lockRows = (table: "products" | "orders" | "orders_products", ids: readonly number[]) =>
  sql`select id from ${sql.identifier(table)} where id = any(${idArray(ids)}::bigint[]) order by id for update`;

/**
 * Locks the lines of orders, in id order: a write that removes an order's lines locks them before
 * the order, as a write of lines locks its lines before their orders (`lockOrdersOf`), so two
 * writes never hold a line and an order that the other waits for.
 */
export const lockLinesOf = (orderIds: readonly number[]) =>
  sql`select id from orders_products where order_id = any(${idArray(orderIds)}::bigint[]) order by id for update`;

/**
 * Locks the orders that a write of lines changes, in id order: those of `lineIds` (locked by an
 * earlier statement, so they cannot move to another order meanwhile) and `orderIds`. The report
 * rollups count an order's distinct products from the lines the next statement sees, which is
 * every line committed before it once its orders are locked (src/reports/rollups.ts).
 */
export const lockOrdersOf = (lineIds: readonly number[], orderIds: readonly number[]) =>
  sql`select id from orders
      where id = any(${idArray(orderIds)}::bigint[])
         or id in (select order_id from orders_products where id = any(${idArray(lineIds)}::bigint[]))
      order by id for update`;
