import { type SQL, sql } from "drizzle-orm";

/**
 * Records a write of order lines in the report rollups, inside the write's own statement, by
 * appending its net change to `sales_changes` (folded into the rollups by the scheduled
 * compaction, src/reports/compaction.ts). `changes` names a CTE of the lines the statement
 * adds (sign 1) and removes (sign -1), with columns (created_at of their order, order_id,
 * product_id, sign, amount, unit_price, unit_cost). An append takes no lock that another write
 * waits for, so orders of one product do not queue on its rollup rows.
 *
 * Distinct orders change where an (order, product) gains its first line or loses its last, and
 * an order counts where it gains its first line or loses its last; both are told from the
 * statement's snapshot (the lines and line_count before it). That is exact because every write of
 * an order's lines locks the order row in an earlier statement of its batch (src/db/guards.ts),
 * so the snapshot holds every line committed before it; new orders are invisible, so count 0.
 */
export const rollupSales = (changes: string): SQL => sql`
  change_pairs as (
    select c.created_at, c.order_id, c.product_id, sum(c.sign) as n, sum(c.sign * c.amount) as units,
           sum(c.sign * c.amount * c.unit_price) as revenue, sum(c.sign * c.amount * c.unit_cost) as cost
    from ${sql.raw(changes)} c
    group by c.order_id, c.product_id, c.created_at
  ),
  rolled as (
    insert into sales_changes (day, product_id, orders, order_lines, units, revenue, cost)
    select (p.created_at at time zone 'UTC')::date, p.product_id,
           sum((b.n + p.n > 0)::int - (b.n > 0)::int), sum(p.n), sum(p.units), sum(p.revenue), sum(p.cost)
    from change_pairs p
    cross join lateral (
      select count(*) as n from orders_products l where l.product_id = p.product_id and l.order_id = p.order_id
    ) b
    group by 1, 2
    union all
    select (d.created_at at time zone 'UTC')::date, null, sum(d.orders), 0, 0, 0, 0
    from (
      select p.created_at, (coalesce(o.line_count, 0) + sum(p.n) > 0)::int - (coalesce(o.line_count, 0) > 0)::int as orders
      from change_pairs p left join orders o on o.id = p.order_id
      group by p.order_id, p.created_at, o.line_count
    ) d
    where d.orders <> 0
    group by 1
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
