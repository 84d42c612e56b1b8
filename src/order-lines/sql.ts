import { type SQL, sql } from "drizzle-orm";
import { CACHE_TAGS } from "../cache/tags";
import { type AnswerRow, answerColumns } from "../db/answer";
import type { Db } from "../db/client";
import { type Check, guard, guardPasses, lockOrdersOf, lockRow, lockRows, raise, targetChecks } from "../db/guards";
import { orderLines } from "../db/schema";
import { deletedJson, isoTime, type JsonText, jsonAgg, jsonObjectOf, money } from "../db/sql-json";
import type { UnitOfWork } from "../db/unit-of-work";
import type { IfMatch } from "../lib/conditional";
import { lineChanges, rollupSales, touchOrders } from "../reports/rollups";
import { batchDelete } from "../routes/crud/batch-delete";
import type { OrderLine, OrderLineFields } from "./schema";

const lineJson = (alias: string) => {
  const a = sql.raw(alias);
  return jsonObjectOf<OrderLine>({
    id: sql`${a}.id`,
    order_id: sql`${a}.order_id`,
    product_id: sql`${a}.product_id`,
    amount: sql`${a}.amount`,
    unit_price: money(sql`${a}.unit_price`),
    unit_cost: money(sql`${a}.unit_cost`),
    created_at: isoTime(sql`${a}.created_at`),
  });
};

/** A line's version (ETag, If-Match) is the md5 of its row: any change to it changes it. */
const lineVersion = (alias: string) => sql`md5(${sql.raw(alias)}::text)`;

export async function get(db: Db, id: number) {
  const { rows } = await db.execute<{ body: JsonText<OrderLine>; version: string }>(
    sql`select ${lineJson("l")}::text as body, ${lineVersion("l")} as version from orders_products l where l.id = ${id}`,
  );
  return rows[0];
}

export async function count(db: Db): Promise<number> {
  return db.$count(orderLines);
}

/** Unknown order ids first, then unknown product ids, among the `input` CTE's lines. */
const unknownIdsChecks = (): Check[] =>
  (
    [
      ["order_id", "order", sql`orders`, sql`order_id`],
      ["product_id", "product", sql`products`, sql`product_id`],
    ] as const
  ).map(([field, resource, table, column]): Check => {
    const ids: SQL = sql`(select jsonb_agg(distinct i.${column} order by i.${column}) from input i
      where not exists (select 1 from ${table} x where x.id = i.${column}))`;
    return [
      sql`${ids} is not null`,
      raise(
        "unknown_ids",
        sql`jsonb_build_object('resource', ${resource}::text, 'field', ${field}::text, 'ids', ${ids})`,
      ),
    ];
  });

/**
 * Adds lines (capturing each product's current price and cost) and touches their orders'
 * updated_at, in one statement, after locking those orders (src/reports/rollups.ts says why).
 */
function insertLines<T>(uow: UnitOfWork, lines: readonly OrderLineFields[], answer: { body: SQL; location?: SQL }) {
  uow.changed(...CACHE_TAGS.order_line.changes);
  uow.add(uow.db.execute(lockOrdersOf([], [...new Set(lines.map((l) => l.order_id))])));
  return uow.add(
    uow.db.execute<AnswerRow<T>>(sql`
      with input as (
        select (e->>'order_id')::bigint as order_id, (e->>'product_id')::bigint as product_id,
               (e->>'amount')::int as amount, ord
        from jsonb_array_elements(${JSON.stringify(lines)}::jsonb) with ordinality as t(e, ord)
      ),
      ${guard(...unknownIdsChecks())},
      added as (
        insert into orders_products (order_id, product_id, amount, unit_price, unit_cost)
        select i.order_id, i.product_id, i.amount, p.price, p.cost
        from input i join products p on p.id = i.product_id
        where ${guardPasses}
        order by i.ord
        returning *
      ),
      changes as (${lineChanges("added", 1)}),
      ${rollupSales("changes")},
      ${touchOrders("changes")}
      select ${answerColumns(answer)}`),
  );
}

/** One line: answers it, with its Location. */
export const createOne = (uow: UnitOfWork, line: OrderLineFields) =>
  insertLines<OrderLine>(uow, [line], {
    body: sql`(select ${lineJson("a")} from added a)`,
    location: sql`(select '/orders_products/' || id from added)`,
  });

/** A batch, all or none: answers the lines in input order. */
export const createMany = (uow: UnitOfWork, lines: readonly OrderLineFields[]) =>
  insertLines<OrderLine[]>(uow, lines, {
    body: sql`(select ${jsonAgg(lineJson("a"), sql`a.id`)} from added a)`,
  });

const targetGuard = (id: number, ifMatch: IfMatch, more: Check[] = []) =>
  guard(
    ...targetChecks("order_line", id, ifMatch, {
      exists: sql`exists (select 1 from target)`,
      version: sql`(select ${lineVersion("t")} from target t)`,
    }),
    ...more,
  );

/**
 * Rewrites a line, locked first, then its old and new orders. Its captured price and cost stay unless the product changes,
 * so editing an amount does not reprice a past sale. Both the old and the new order are touched.
 */
export function replace(uow: UnitOfWork, id: number, line: OrderLineFields, ifMatch: IfMatch) {
  uow.changed(...CACHE_TAGS.order_line.changes);
  uow.add(uow.db.execute(lockRow("orders_products", id)));
  uow.add(uow.db.execute(lockOrdersOf([id], [line.order_id])));
  return uow.add(
    uow.db.execute<AnswerRow<OrderLine>>(sql`
      with input as (select ${line.order_id}::bigint as order_id, ${line.product_id}::bigint as product_id),
      target as (select * from orders_products where id = ${id}),
      ${targetGuard(id, ifMatch, unknownIdsChecks())},
      updated as (
        update orders_products l
        set order_id = ${line.order_id}, product_id = ${line.product_id}, amount = ${line.amount},
            unit_price = case when l.product_id = p.id then l.unit_price else p.price end,
            unit_cost = case when l.product_id = p.id then l.unit_cost else p.cost end
        from products p
        where l.id = ${id} and p.id = ${line.product_id} and ${guardPasses}
        returning l.*
      ),
      changes as (${lineChanges("target", -1)} where ${guardPasses} union all ${lineChanges("updated", 1)}),
      ${rollupSales("changes")},
      ${touchOrders("changes")}
      select ${answerColumns({ body: lineJson("u"), etag: lineVersion("u") })} from updated u`),
  );
}

export function deleteOne(uow: UnitOfWork, id: number, ifMatch: IfMatch) {
  uow.changed(...CACHE_TAGS.order_line.changes);
  uow.add(uow.db.execute(lockRow("orders_products", id)));
  uow.add(uow.db.execute(lockOrdersOf([id], [])));
  return uow.add(
    uow.db.execute<AnswerRow<{ id: number; deleted: true }>>(sql`
      with target as (select * from orders_products where id = ${id}),
      ${targetGuard(id, ifMatch)},
      removed as (delete from orders_products where id = ${id} and ${guardPasses} returning *),
      changes as (${lineChanges("removed", -1)}),
      ${rollupSales("changes")},
      ${touchOrders("changes")}
      select ${answerColumns({ body: deletedJson })} from removed r`),
  );
}

/**
 * Deletes lines and touches their orders; answers how many existed and which ids did not. The
 * lines, then their orders, are locked first, as by every write of lines.
 */
export function deleteMany(uow: UnitOfWork, ids: readonly number[]) {
  uow.changed(...CACHE_TAGS.order_line.changes);
  uow.add(uow.db.execute(lockRows("orders_products", ids)));
  uow.add(uow.db.execute(lockOrdersOf(ids, [])));
  return uow.add(
    uow.db.execute<AnswerRow<{ deleted: number; not_found: number[] }>>(
      batchDelete(
        "orders_products",
        ids,
        sql`, changes as (${lineChanges("removed", -1)}), ${rollupSales("changes")}, ${touchOrders("changes")}`,
      ),
    ),
  );
}
