import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoTime, type JsonText, jsonAgg, jsonObject, money } from "../db/sql-json";
import type { Report } from "../schemas/reports";

/** A report's range: inclusive days, null where open. */
type ReportRange = Report["range"];

/** Days as `YYYY-MM-DD`, months as their first day. */
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const monthOf = (day: string) => `${day.slice(0, 7)}-01`;
const nextMonth = (month: string) => {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
};

/**
 * Splits an inclusive day range into the whole calendar months it covers, read from the
 * `sales_monthly` rollup, and the days at either edge, scanned from the lines. Null bounds are
 * open; an edge is a half-open [from, until) interval of days.
 */
export function splitRange({ from, to }: ReportRange) {
  const until = to === null ? null : addDays(to, 1);
  const firstMonth = from === null ? null : from === monthOf(from) ? from : nextMonth(monthOf(from));
  const endMonth = until === null ? null : monthOf(until);
  if (firstMonth !== null && endMonth !== null && firstMonth >= endMonth) {
    return { months: null, edges: [{ from, until }], until };
  }
  const edges: { from: string | null; until: string | null }[] = [];
  if (from !== null && firstMonth !== null && from < firstMonth) edges.push({ from, until: firstMonth });
  if (until !== null && endMonth !== null && endMonth < until) edges.push({ from: endMonth, until });
  return { months: { from: firstMonth, until: endMonth }, edges, until };
}

const dayBound = (
  column: SQL,
  from: string | null,
  until: string | null,
) => sql`(${from}::date is null or ${column} >= (${from}::date)::timestamp at time zone 'UTC')
  and (${until}::date is null or ${column} < (${until}::date)::timestamp at time zone 'UTC')`;

/**
 * Sales over the lines' captured prices, in one statement, as JSON text with exact sums. All time
 * is read from the per-product rollup, one row per product; a range reads its whole months from
 * the monthly rollup and its edge days from the lines, so a year over a million lines reads about
 * one row per product and month. Products are ranked by revenue and the first `limit`
 * returned; their distinct order counts, and the orders total, are counted exactly: from the
 * lines' (product_id, order_id) index alone over the whole history; for a bounded range, against
 * the ids of its orders, materialized so that the planner hashes them rather than probing an
 * order per line of a best seller. `figures` is materialized: its body and its version would
 * otherwise each compute the totals and the products once more. `version` covers the range and
 * the figures but not generated_at, so a rebuilt report keeps its (weak) ETag.
 */
export async function salesReport(db: Db, range: ReportRange, limit: number) {
  const { months, edges, until } = splitRange(range);
  const bounded = range.from !== null || range.to !== null;
  const inRange = (column: SQL) => dayBound(column, range.from, until);
  const edgeFilter = edges.length
    ? sql.join(
        edges.map((e) => sql`(${dayBound(sql`o.created_at`, e.from, e.until)})`),
        sql` or `,
      )
    : sql`false`;
  const perProduct = bounded
    ? sql`
      select product_id, sum(order_lines) as order_lines, sum(units) as units, sum(revenue) as revenue, sum(cost) as cost
      from (
        select product_id, order_lines, units, revenue, cost from sales_monthly
        where ${
          months === null
            ? sql`false`
            : sql`(${months.from}::date is null or month >= ${months.from}::date)
          and (${months.until}::date is null or month < ${months.until}::date)`
        }
        union all
        select l.product_id, count(*), sum(l.amount), sum(l.amount * l.unit_price), sum(l.amount * l.unit_cost)
        from orders o join orders_products l on l.order_id = o.id
        where ${edgeFilter}
        group by l.product_id
      ) parts
      group by product_id
      having sum(order_lines) > 0`
    : sql`select product_id, order_lines, units, revenue, cost from sales_by_product where order_lines > 0`;
  // All time: each ranked product's distinct orders straight off the index, in order_id order, so
  // counting them needs no sort. A range: against its orders' ids, hashed.
  const rankedOrders = bounded
    ? sql`
      select l.product_id, count(distinct l.order_id) as orders
      from orders_products l
      where l.product_id in (select product_id from ranked) and l.order_id in (select id from in_range)
      group by l.product_id`
    : sql`
      select r.product_id,
        (select count(*) from (select distinct l.order_id from orders_products l where l.product_id = r.product_id) d) as orders
      from ranked r`;
  const { rows } = await db.execute<{ body: JsonText<Report>; version: string }>(sql`
    with per_product as (${perProduct}),
    ranked as (
      select x.*, p.product_name from per_product x join products p on p.id = x.product_id
      order by x.revenue desc, x.product_id limit ${limit}
    ),
    ${bounded ? sql`in_range as materialized (select o.id from orders o where o.line_count > 0 and ${inRange(sql`o.created_at`)}),` : sql``}
    ranked_orders as (${rankedOrders}),
    figures as materialized (
      select ${jsonObject({ from: sql`${range.from}::text`, to: sql`${range.to}::text` })} as range,
        (select ${jsonObject({
          // A range's orders with lines are in_range already; all time counts them here.
          orders: bounded
            ? sql`(select count(*) from in_range)`
            : sql`(select count(*) from orders o where o.line_count > 0)`,
          order_lines: sql`t.order_lines`,
          units: sql`t.units`,
          revenue: money(sql`t.revenue`),
          cost: money(sql`t.cost`),
          profit: money(sql`t.revenue - t.cost`),
        })}
         from (select coalesce(sum(order_lines), 0) as order_lines, coalesce(sum(units), 0) as units,
                 coalesce(sum(revenue), 0) as revenue, coalesce(sum(cost), 0) as cost
               from per_product) t) as totals,
        (select ${jsonAgg(
          jsonObject({
            product_id: sql`r.product_id`,
            product_name: sql`r.product_name`,
            orders: sql`coalesce(ro.orders, 0)`,
            units: sql`r.units`,
            revenue: money(sql`r.revenue`),
            cost: money(sql`r.cost`),
            profit: money(sql`r.revenue - r.cost`),
          }),
          sql`r.revenue desc, r.product_id`,
        )}
         from ranked r left join ranked_orders ro using (product_id)) as products
    )
    select ${jsonObject({
      generated_at: isoTime(sql`clock_timestamp()`),
      range: sql`f.range`,
      totals: sql`f.totals`,
      products: sql`f.products`,
    })}::text as body,
           md5(json_build_array(f.range, f.totals, f.products)::text) as version
    from figures f`);
  const report = rows[0];
  if (!report) throw new Error("report query returned no row");
  return report;
}
