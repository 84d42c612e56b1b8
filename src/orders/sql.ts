import { type SQL, sql } from "drizzle-orm";
import { CACHE_TAGS } from "../cache/tags";
import { type AnswerRow, answerColumns } from "../db/answer";
import type { Db } from "../db/client";
import { guard, guardPasses, lockLinesOf, lockRow, lockRows, raise, targetChecks } from "../db/guards";
import { orders } from "../db/schema";
import { deletedJson, isoTime, type JsonText, jsonAgg, jsonObjectOf, money } from "../db/sql-json";
import type { UnitOfWork } from "../db/unit-of-work";
import type { IfMatch } from "../lib/conditional";
import type { Paging } from "../lib/paging";
import { lineChanges, rollupSales } from "../reports/rollups";
import { batchDelete } from "../routes/crud/batch-delete";
import { listPage } from "../routes/crud/list-page";
import type { Order, OrderLinesInput } from "./schema";

/** An order with its lines and total as one JSON value, built by Postgres; `o` is the order row. */
const orderJson = jsonObjectOf<Order>({
  order_id: sql`o.id`,
  created_at: isoTime(sql`o.created_at`),
  updated_at: isoTime(sql`o.updated_at`),
  total: sql`coalesce((select ${money(sql`sum(l.amount * l.unit_price)`)} from orders_products l where l.order_id = o.id), 0)`,
  products: sql`(select ${jsonAgg(
    jsonObjectOf<Order["products"][number]>({
      id: sql`l.id`,
      product_id: sql`l.product_id`,
      product_name: sql`p.product_name`,
      amount: sql`l.amount`,
      unit_price: money(sql`l.unit_price`),
      line_total: money(sql`l.amount * l.unit_price`),
    }),
    sql`l.id`,
  )} from orders_products l join products p on p.id = l.product_id where l.order_id = o.id)`,
});

/** The order as JSON text and its version (ETag, If-Match): the md5 of that text, lines and names included. */
const orderRow = (where: SQL) =>
  sql`select j.body, md5(j.body) as version
      from orders o cross join lateral (select ${orderJson}::text as body) j where ${where}`;

export async function get(db: Db, id: number) {
  const { rows } = await db.execute<{ body: JsonText<Order>; version: string }>(orderRow(sql`o.id = ${id}`));
  return rows[0];
}

export const list = (db: Db, paging: Paging) => listPage<Order>(db, "orders", "o", orderJson, paging);

export async function count(db: Db): Promise<number> {
  return db.$count(orders);
}

/** Flattens orders to one JSON array of lines; `o` is the order's position (1-based). */
function linesJson(inputs: readonly OrderLinesInput[]): string {
  return JSON.stringify(
    inputs.flatMap((order, i) => order.product_ids.map((p, j) => ({ o: i + 1, p, a: order.amounts[j] }))),
  );
}

/**
 * The input lines, and `missing`: the unknown product ids among them, as a jsonb array or null.
 * Each line keeps the product's price and cost of this moment.
 */
const inputLines = (lines: string) => sql`
  input as (
    select (e->>'o')::int as order_ord, (e->>'p')::bigint as product_id, (e->>'a')::int as amount, ord as line_ord
    from jsonb_array_elements(${lines}::jsonb) with ordinality as t(e, ord)
  ),
  missing as (
    select jsonb_agg(m.product_id order by m.product_id) as ids
    from (select distinct i.product_id from input i where not exists (select 1 from products p where p.id = i.product_id)) m
  )`;

const unknownProducts = (): [SQL, SQL] => [
  sql`(select ids from missing) is not null`,
  raise(
    "unknown_ids",
    sql`jsonb_build_object('resource', 'product', 'field', 'product_ids', 'ids', (select ids from missing))`,
  ),
];

/**
 * Creates orders and their lines in one statement. Identity ids follow insertion order, so the
 * n-th new id belongs to the n-th input order.
 */
function insertOrders<T>(uow: UnitOfWork, inputs: readonly OrderLinesInput[], answer: { body: SQL; location?: SQL }) {
  uow.changed(...CACHE_TAGS.order.changes);
  return uow.add(
    uow.db.execute<AnswerRow<T>>(sql`
      with ${inputLines(linesJson(inputs))},
      ${guard(unknownProducts())},
      new_orders as (
        insert into orders (created_at, updated_at, line_count)
        select now(), now(), (select count(*) from input i where i.order_ord = g.ord)
        from generate_series(1, ${inputs.length}) as g(ord) where ${guardPasses}
        order by g.ord
        returning id
      ),
      numbered as (select id, row_number() over (order by id) as order_ord from new_orders),
      lines as (
        insert into orders_products (order_id, product_id, amount, unit_price, unit_cost)
        select n.id, i.product_id, i.amount, p.price, p.cost
        from input i join numbered n using (order_ord) join products p on p.id = i.product_id
        order by n.id, i.line_ord
        returning *
      ),
      -- The new orders are not visible to this statement's other parts; they were created now().
      changes as (select now() as created_at, order_id, product_id, 1 as sign, amount, unit_price, unit_cost from lines),
      ${rollupSales("changes")}
      select ${answerColumns(answer)}`),
  );
}

/** One order: answers its bare id, with its Location. */
export const createOne = (uow: UnitOfWork, input: OrderLinesInput) =>
  insertOrders<number>(uow, [input], {
    body: sql`(select id from new_orders)`,
    location: sql`(select '/orders/' || id from new_orders)`,
  });

/** A batch, all or none: answers the new ids in input order. */
export const createMany = (uow: UnitOfWork, inputs: readonly OrderLinesInput[]) =>
  insertOrders<number[]>(uow, inputs, { body: sql`(select ${jsonAgg(sql`id`, sql`id`)} from new_orders)` });

/** 404 for a missing order, 412 for a stale If-Match: checked against the CTE `target` (an orderRow). */
const orderChecks = (id: number, ifMatch: IfMatch) =>
  targetChecks("order", id, ifMatch, {
    exists: sql`exists (select 1 from target)`,
    version: sql`(select version from target)`,
  });

/**
 * Replaces an order's lines atomically. Its lines and then the order row are locked first, so the
 * replace sees every line committed before it; the guard answers 404 for a missing order, 412 for a stale If-Match
 * and 422 for unknown products before anything changes. The answer is read by a statement of
 * its own, which sees the new lines.
 */
export function replace(uow: UnitOfWork, id: number, input: OrderLinesInput, ifMatch: IfMatch) {
  uow.changed(...CACHE_TAGS.order.changes);
  uow.add(uow.db.execute(lockLinesOf([id])));
  uow.add(uow.db.execute(lockRow("orders", id)));
  uow.add(
    uow.db.execute(sql`
      with ${inputLines(linesJson([input]))},
      target as (${orderRow(sql`o.id = ${id}`)}),
      ${guard(...orderChecks(id, ifMatch), unknownProducts())},
      removed as (delete from orders_products where order_id = ${id} and ${guardPasses} returning *),
      added as (
        insert into orders_products (order_id, product_id, amount, unit_price, unit_cost)
        select ${id}, i.product_id, i.amount, p.price, p.cost
        from input i join products p on p.id = i.product_id
        where ${guardPasses}
        order by i.line_ord
        returning *
      ),
      changes as (${lineChanges("removed", -1)} union all ${lineChanges("added", 1)}),
      ${rollupSales("changes")}
      update orders set updated_at = now(), line_count = (select count(*) from input)
      where id = ${id} and ${guardPasses}`),
  );
  return uow.add(
    uow.db.execute<AnswerRow<Order>>(
      sql`select ${answerColumns({ body: sql`r.body`, etag: sql`r.version` })} from (${orderRow(sql`o.id = ${id}`)}) r`,
    ),
  );
}

export function deleteOne(uow: UnitOfWork, id: number, ifMatch: IfMatch) {
  uow.changed(...CACHE_TAGS.order.changes);
  uow.add(uow.db.execute(lockLinesOf([id])));
  uow.add(uow.db.execute(lockRow("orders", id)));
  return uow.add(
    uow.db.execute<AnswerRow<{ id: number; deleted: true }>>(sql`
      with target as (${orderRow(sql`o.id = ${id}`)}),
      ${guard(...orderChecks(id, ifMatch))},
      -- The lines go with the order (ON DELETE CASCADE); the rollups lose them here.
      gone as (select * from orders_products where order_id = ${id} and ${guardPasses}),
      changes as (${lineChanges("gone", -1)}),
      ${rollupSales("changes")},
      removed as (delete from orders where id = ${id} and ${guardPasses} returning id)
      select ${answerColumns({ body: deletedJson })} from removed r`),
  );
}

/**
 * Deletes what exists of `ids`, locked first so the lines that go with them (and leave the
 * rollups) are all the lines they have.
 */
export function deleteMany(uow: UnitOfWork, ids: readonly number[]) {
  uow.changed(...CACHE_TAGS.order.changes);
  uow.add(uow.db.execute(lockLinesOf(ids)));
  uow.add(uow.db.execute(lockRows("orders", ids)));
  return uow.add(
    uow.db.execute<AnswerRow<{ deleted: number; not_found: number[] }>>(
      batchDelete(
        "orders",
        ids,
        sql`, gone as (select * from orders_products where order_id in (select id from removed)),
          changes as (${lineChanges("gone", -1)}),
          ${rollupSales("changes")}`,
      ),
    ),
  );
}
