import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { orders } from "../db/schema";
import { isoTime, jsonColumn, jsonRows } from "../db/sql-json";
import type { UnitOfWork } from "../db/unit-of-work";
import { hexArray } from "../lib/conditional";
import type { Page } from "./products";

export interface OrderLineView {
  id: number;
  product_id: number;
  product_name: string;
  amount: number;
  unit_price: number;
  line_total: number;
}

export interface Order {
  order_id: number;
  created_at: string;
  updated_at: string;
  total: number;
  products: OrderLineView[];
}

export interface OrderLinesInput {
  product_ids: number[];
  amounts: number[];
}

/** An order with its lines and total as one JSON value, built by Postgres in one statement. */
const orderJson = sql`json_build_object(
  'order_id', o.id,
  'created_at', ${isoTime(sql`o.created_at`)},
  'updated_at', ${isoTime(sql`o.updated_at`)},
  'total', coalesce((select sum(l.amount * l.unit_price) from orders_products l where l.order_id = o.id), 0),
  'products', coalesce((
    select json_agg(json_build_object(
      'id', l.id, 'product_id', l.product_id, 'product_name', p.product_name, 'amount', l.amount,
      'unit_price', l.unit_price, 'line_total', l.amount * l.unit_price) order by l.id)
    from orders_products l join products p on p.id = l.product_id
    where l.order_id = o.id), '[]'::json)
)`;

/** The order's version (ETag, If-Match) is the md5 of that JSON: lines and names included. */
const orderVersion = sql`md5((${orderJson})::text)`;

function selectOrder(db: Db, id: number) {
  return db.execute(
    sql`select j.body, md5(j.body::text) as version
        from orders o cross join lateral (select ${orderJson} as body) j where o.id = ${id}`,
  );
}

export interface Versioned<T> {
  body: T;
  version: string;
}

export const versionedOrder = (result: { rows: unknown[] }) => result.rows[0] as Versioned<Order> | undefined;

export async function getOrder(db: Db, id: number): Promise<Versioned<Order> | undefined> {
  return versionedOrder(await selectOrder(db, id));
}

/** Fails the batch with 412 when the order exists but is no longer at one of `versions`. */
export function requireOrderVersion(uow: UnitOfWork, id: number, versions: readonly string[]) {
  uow.add(
    uow.db.execute(sql`
      select api_error(412, ${`Order ${id} has changed since the ETag in If-Match`})
      from orders o where o.id = ${id} and ${orderVersion} <> all(${hexArray(versions)}::text[])
      for update of o`),
  );
}

export async function listOrders(db: Db, { page, pageSize }: Page): Promise<Order[]> {
  const result = await db.execute(
    sql`select ${orderJson} as body from orders o order by o.id limit ${pageSize + 1} offset ${(page - 1) * pageSize}`,
  );
  return jsonRows<Order>(result);
}

export async function countOrders(db: Db): Promise<number> {
  return db.$count(orders);
}

/** Flattens orders to one JSON array of lines; `o` is the order's position (1-based). */
function linesJson(inputs: readonly OrderLinesInput[]): string {
  return JSON.stringify(
    inputs.flatMap((order, i) => order.product_ids.map((p, j) => ({ o: i + 1, p, a: order.amounts[j] }))),
  );
}

/**
 * Input lines, and a guard that fails the statement with 422 naming every unknown product id.
 * Statements read a guard as `(select ok from guard) = 0`: a condition without columns becomes
 * a one-time filter that Postgres evaluates before any scan, so the guard always runs — a join
 * with it would be skipped whenever the other side of the join is empty.
 * Each line keeps the product's price and cost of this moment.
 */
const inputAndGuard = (lines: string) => sql`
  input as (
    select (e->>'o')::int as order_ord, (e->>'p')::bigint as product_id, (e->>'a')::int as amount, ord as line_ord
    from jsonb_array_elements(${lines}::jsonb) with ordinality as t(e, ord)
  ),
  missing as (
    select string_agg(m.product_id::text, ', ' order by m.product_id) as ids
    from (select distinct i.product_id from input i where not exists (select 1 from products p where p.id = i.product_id)) m
  )`;

/**
 * Creates the orders and their lines in one statement and answers their ids in input order.
 * Identity ids follow insertion order, so the n-th new id belongs to the n-th input order.
 */
export function createOrders(uow: UnitOfWork, inputs: readonly OrderLinesInput[]) {
  uow.touch("orders", "lines");
  return uow.add(
    uow.db.execute(sql`
      with ${inputAndGuard(linesJson(inputs))},
      guard as (
        select case when ids is null then 0 else api_error(422, 'Unknown product ids: ' || ids, 'product_ids') end as ok
        from missing
      ),
      new_orders as (
        insert into orders (created_at, updated_at)
        select now(), now() from generate_series(1, ${inputs.length}) where (select ok from guard) = 0
        returning id
      ),
      numbered as (select id, row_number() over (order by id) as order_ord from new_orders),
      lines as (
        insert into orders_products (order_id, product_id, amount, unit_price, unit_cost)
        select n.id, i.product_id, i.amount, p.price, p.cost
        from input i join numbered n using (order_ord) join products p on p.id = i.product_id
        order by n.id, i.line_ord
        returning id
      )
      select coalesce(json_agg(id order by id), '[]'::json) as body from new_orders`),
  );
}

export const createdIds = (result: { rows: unknown[] }) => jsonColumn<number[]>(result) ?? [];

/**
 * Replaces an order's lines atomically, then reads the order back in the same batch. The
 * guard answers 404 for a missing order and 422 for unknown products before anything changes.
 */
export function replaceOrder(uow: UnitOfWork, id: number, input: OrderLinesInput) {
  uow.touch("orders", "lines");
  uow.add(
    uow.db.execute(sql`
      with ${inputAndGuard(linesJson([input]))},
      target as (select id from orders where id = ${id} for update),
      guard as (
        select case
          when not exists (select 1 from target) then api_error(404, ${`Order ${id} does not exist`})
          when m.ids is not null then api_error(422, 'Unknown product ids: ' || m.ids, 'product_ids')
          else 0 end as ok
        from missing m
      ),
      removed as (
        delete from orders_products where order_id = (select id from target) and (select ok from guard) = 0
      ),
      added as (
        insert into orders_products (order_id, product_id, amount, unit_price, unit_cost)
        select t.id, i.product_id, i.amount, p.price, p.cost
        from input i cross join target t join products p on p.id = i.product_id
        where (select ok from guard) = 0
        order by i.line_ord
        returning id
      )
      update orders set updated_at = now() where id = (select id from target) and (select ok from guard) = 0`),
  );
  return uow.add(selectOrder(uow.db, id));
}

export function deleteOrders(uow: UnitOfWork, ids: readonly number[]) {
  uow.touch("orders", "lines");
  return uow.add(
    uow.db.execute(sql`delete from orders where id = any(${`{${ids.join(",")}}`}::bigint[]) returning id`),
  );
}
