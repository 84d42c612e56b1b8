import { type SQL, sql } from "drizzle-orm";

/**
 * Keeps `sales_monthly` (migration 0004) and `sales_by_product` (0007) in step with a write of
 * order lines, inside the write's own statement. `changes` names a CTE of the lines the statement
 * adds (sign 1) and removes (sign -1), with columns (created_at of their order, product_id, sign,
 * amount, unit_price, unit_cost). Increments commute, so concurrent writes need no lock beyond the
 * rollup rows' own. Every write takes them in one order — the monthly rows in key order, and only
 * then (the `(select count(*) from rolled)` makes the planner finish `rolled` first) the
 * per-product rows in key order — so two writes never wait on each other's rows crosswise.
 */
export const rollupSales = (changes: string): SQL => sql`
  rolled as (
    insert into sales_monthly as s (month, product_id, order_lines, units, revenue, cost)
    select date_trunc('month', c.created_at at time zone 'UTC')::date, c.product_id, sum(c.sign), sum(c.sign * c.amount),
           sum(c.sign * c.amount * c.unit_price), sum(c.sign * c.amount * c.unit_cost)
    from ${sql.raw(changes)} c
    group by 1, 2
    order by 1, 2
    on conflict (month, product_id) do update
    set order_lines = s.order_lines + excluded.order_lines, units = s.units + excluded.units,
        revenue = s.revenue + excluded.revenue, cost = s.cost + excluded.cost
    returning 1
  ),
  rolled_by_product as (
    insert into sales_by_product as s (product_id, order_lines, units, revenue, cost)
    select c.product_id, sum(c.sign), sum(c.sign * c.amount), sum(c.sign * c.amount * c.unit_price),
           sum(c.sign * c.amount * c.unit_cost)
    from ${sql.raw(changes)} c
    where (select count(*) from rolled) >= 0
    group by 1
    order by 1
    on conflict (product_id) do update
    set order_lines = s.order_lines + excluded.order_lines, units = s.units + excluded.units,
        revenue = s.revenue + excluded.revenue, cost = s.cost + excluded.cost
  )`;

/** Lines of a DML's RETURNING (`source`, with order_id) as rows of a `changes` CTE. */
export const lineChanges = (source: string, sign: 1 | -1): SQL =>
  sql`select o.created_at, x.order_id, x.product_id, ${sql.raw(String(sign))} as sign, x.amount, x.unit_price, x.unit_cost
      from ${sql.raw(source)} x join orders o on o.id = x.order_id`;

/**
 * Touches the orders a line write changed: their updated_at, and their line_count by the net
 * number of lines the `changes` CTE adds or removes. One UPDATE per statement, since a row
 * updated twice in one statement keeps only one of the updates.
 */
export const touchOrders = (changes: string): SQL => sql`
  touched as (
    update orders o set updated_at = now(), line_count = o.line_count + d.n
    from (select order_id, sum(sign) as n from ${sql.raw(changes)} group by order_id) d
    where o.id = d.order_id
  )`;
