import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { ordersProducts } from "../db/schema";
import { isoTime, jsonRows } from "../db/sql-json";
import type { UnitOfWork } from "../db/unit-of-work";
import { hexArray } from "../lib/conditional";

export interface OrderLine {
  id: number;
  order_id: number;
  product_id: number;
  amount: number;
  unit_price: number;
  unit_cost: number;
  created_at: string;
}

export interface OrderLineInput {
  order_id: number;
  product_id: number;
  amount: number;
}

const lineJson = (alias: string) => {
  const a = sql.raw(alias);
  return sql`json_build_object('id', ${a}.id, 'order_id', ${a}.order_id, 'product_id', ${a}.product_id,
    'amount', ${a}.amount, 'unit_price', ${a}.unit_price, 'unit_cost', ${a}.unit_cost,
    'created_at', ${isoTime(sql`${a}.created_at`)})`;
};

export interface VersionedLine {
  body: OrderLine;
  version: string;
}

/** A line's version (ETag, If-Match) is the md5 of its row: any change to it changes it. */
export async function getOrderLine(db: Db, id: number): Promise<VersionedLine | undefined> {
  const result = await db.execute(
    sql`select ${lineJson("l")} as body, md5(l::text) as version from orders_products l where l.id = ${id}`,
  );
  return result.rows[0] as VersionedLine | undefined;
}

/** Fails the batch with 412 when the line exists but is no longer at one of `versions`. */
export function requireOrderLineVersion(uow: UnitOfWork, id: number, versions: readonly string[]) {
  uow.add(
    uow.db.execute(sql`
      select api_error(412, ${`Order line ${id} has changed since the ETag in If-Match`})
      from orders_products l where l.id = ${id} and md5(l::text) <> all(${hexArray(versions)}::text[])
      for update`),
  );
}

export async function countOrderLines(db: Db): Promise<number> {
  return db.$count(ordersProducts);
}

/** Fails the statement with 422 naming every unknown order and product id of the input. */
const unknownIdsGuard = sql`
  guard as (
    select case
      when mo.ids is not null then api_error(422, 'Unknown order ids: ' || mo.ids, 'order_id')
      when mp.ids is not null then api_error(422, 'Unknown product ids: ' || mp.ids, 'product_id')
      else 0 end as ok
    from (select string_agg(x::text, ', ' order by x) as ids from (select distinct i.order_id as x from input i
            where not exists (select 1 from orders o where o.id = i.order_id)) m) mo,
         (select string_agg(x::text, ', ' order by x) as ids from (select distinct i.product_id as x from input i
            where not exists (select 1 from products p where p.id = i.product_id)) m) mp
  )`;

/**
 * Adds lines (capturing each product's current price and cost) and touches their orders'
 * updated_at, in one statement; answers the lines in input order.
 */
export function createOrderLines(uow: UnitOfWork, lines: readonly OrderLineInput[]) {
  uow.touch("lines", "orders");
  return uow.add(
    uow.db.execute(sql`
      with input as (
        select (e->>'order_id')::bigint as order_id, (e->>'product_id')::bigint as product_id,
               (e->>'amount')::int as amount, ord
        from jsonb_array_elements(${JSON.stringify(lines)}::jsonb) with ordinality as t(e, ord)
      ),
      ${unknownIdsGuard},
      added as (
        insert into orders_products (order_id, product_id, amount, unit_price, unit_cost)
        select i.order_id, i.product_id, i.amount, p.price, p.cost
        from input i join products p on p.id = i.product_id
        where (select ok from guard) = 0
        order by i.ord
        returning *
      ),
      touched as (update orders set updated_at = now() where id in (select order_id from added))
      select ${lineJson("added")} as body from added order by added.id`),
  );
}

/**
 * Rewrites a line. Its captured price and cost stay unless the product changes, so editing
 * an amount does not reprice a past sale. Both the old and the new order are touched.
 */
export function replaceOrderLine(uow: UnitOfWork, id: number, line: OrderLineInput) {
  uow.touch("lines", "orders");
  return uow.add(
    uow.db.execute(sql`
      with input as (select ${line.order_id}::bigint as order_id, ${line.product_id}::bigint as product_id),
      target as (select * from orders_products where id = ${id} for update),
      ${unknownIdsGuard},
      checked as (
        select case when exists (select 1 from target) then g.ok else api_error(404, ${`Order line ${id} does not exist`}) end as ok
        from guard g
      ),
      updated as (
        update orders_products l
        set order_id = ${line.order_id}, product_id = ${line.product_id}, amount = ${line.amount},
            unit_price = case when l.product_id = p.id then l.unit_price else p.price end,
            unit_cost = case when l.product_id = p.id then l.unit_cost else p.cost end
        from products p
        where l.id = ${id} and p.id = ${line.product_id} and (select ok from checked) = 0
        returning l.*
      ),
      touched as (
        update orders set updated_at = now()
        where id in (select order_id from target union select order_id from updated) and (select ok from checked) = 0
      )
      select ${lineJson("updated")} as body, md5(updated::text) as version from updated`),
  );
}

/** Deletes lines and touches their orders; answers the ids that existed. */
export function deleteOrderLines(uow: UnitOfWork, ids: readonly number[]) {
  uow.touch("lines", "orders");
  return uow.add(
    uow.db.execute(sql`
      with removed as (
        delete from orders_products where id = any(${`{${ids.join(",")}}`}::bigint[]) returning id, order_id
      ),
      touched as (update orders set updated_at = now() where id in (select order_id from removed))
      select id from removed`),
  );
}

export const versionedLine = (result: { rows: unknown[] }) => result.rows[0] as VersionedLine | undefined;
export const linesFrom = (result: { rows: unknown[] }) => jsonRows<OrderLine>(result);
