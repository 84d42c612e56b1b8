import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoTime, type JsonText, jsonAgg, jsonObject, money } from "../db/sql-json";
import type { Report } from "./schema";

/** A report's range: inclusive days, null where open. */
type ReportRange = Report["range"];

/** Half-open [from, until) intervals of days (`YYYY-MM-DD`), null where open. */
interface Span {
  from: string | null;
  until: string | null;
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const monthOf = (day: string) => `${day.slice(0, 7)}-01`;
const nextMonth = (month: string) => {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
};

/** An inclusive day range as the half-open span of its days. */
const daysOf = ({ from, to }: ReportRange): Span => ({ from, until: to === null ? null : addDays(to, 1) });

const within = (column: SQL, { from, until }: Span) =>
  sql.join(
    [
      sql`true`,
      ...(from === null ? [] : [sql`${column} >= ${from}::date`]),
      ...(until === null ? [] : [sql`${column} < ${until}::date`]),
    ],
    sql` and `,
  );

const figures = sql`orders, order_lines, units, revenue, cost`;
const sums = sql`sum(orders) as orders, sum(order_lines) as order_lines, sum(units) as units, sum(revenue) as revenue, sum(cost) as cost`;

/** Days of the month on which sales_running has a boundary (drizzle 0012's sales_boundary_after()). */
const dayOfMonth = (day: string) => Number(day.slice(8, 10));
const isBoundary = (day: string) => dayOfMonth(day) <= 29 && (dayOfMonth(day) - 1) % 4 === 0;
const boundaryAtOrBefore = (day: string) =>
  addDays(monthOf(day), Math.floor((Math.min(dayOfMonth(day), 29) - 1) / 4) * 4);
const boundaryAfter = (day: string) =>
  dayOfMonth(day) >= 29
    ? nextMonth(monthOf(day))
    : addDays(monthOf(day), Math.floor((dayOfMonth(day) - 1) / 4 + 1) * 4);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
/** The boundary nearest a day (the day itself if it is one): at most 2 days away. */
export const nearestBoundary = (day: string) => {
  if (isBoundary(day)) return day;
  const before = boundaryAtOrBefore(day);
  const after = boundaryAfter(day);
  return daysBetween(before, day) <= daysBetween(day, after) ? before : after;
};
/** Up to this many days, a range is summed from its day rows rather than from two running totals. */
const DIRECT_DAYS = 8;

const signed = (sign: 1 | -1) =>
  sign === 1
    ? figures
    : sql`-orders as orders, -order_lines as order_lines, -units as units, -revenue as revenue, -cost as cost`;

/** One day's rows of sales_daily, in product order (its key), with `sign`. */
const dayRows = (day: string, sign: 1 | -1) =>
  sql`select product_id, ${signed(sign)} from sales_daily where day = ${day}::date`;

/**
 * Every product's sales on the days before `day` (a half-open range end) times `sign`: the
 * running total at the nearest boundary, or past the horizon the product's total, and the at most
 * two days between that boundary and `day`. Each part comes in product order, so the parts merge.
 */
function salesBefore(day: string, sign: 1 | -1): SQL[] {
  const at = nearestBoundary(day);
  const parts = [
    sql`select product_id, ${signed(sign)} from sales_running where at = ${at}::date`,
    sql`select product_id, ${signed(sign)} from sales_by_product
        where ${at}::date > (select coalesce(max(at), '-infinity'::date) from sales_running)`,
  ];
  for (let d = at; d < day; d = addDays(d, 1)) parts.push(dayRows(d, sign));
  for (let d = day; d < at; d = addDays(d, 1)) parts.push(dayRows(d, sign === 1 ? -1 : 1));
  return parts;
}

/**
 * The rows per product whose sum is the range's sales: a short range its day rows; a longer one
 * the difference of the sales before its end and before its start (two running totals per product
 * and at most four days, whatever its length); and the changes of its days not yet compacted.
 */
function rangeRows(range: ReportRange): SQL {
  const days = daysOf(range);
  const short = days.from !== null && days.until !== null && daysBetween(days.from, days.until) <= DIRECT_DAYS;
  const parts = short
    ? [sql`select product_id, ${figures} from sales_daily where ${within(sql`day`, days)}`]
    : [
        ...(days.until === null
          ? [sql`select product_id, ${figures} from sales_by_product`]
          : salesBefore(days.until, 1)),
        ...(days.from === null ? [] : salesBefore(days.from, -1)),
      ];
  parts.push(
    sql`select product_id, ${figures} from sales_changes where product_id is not null and ${within(sql`day`, days)}`,
  );
  return sql.join(parts, sql` union all `);
}

/**
 * The first `limit` products by revenue over the range, with all their figures. All time reads one
 * row per product plus the changes not yet compacted; a range at most two running totals and four
 * days per product (rangeRows). Products without lines in the range are left out.
 */
function rankedProducts(range: ReportRange, limit: number): SQL {
  if (range.from === null && range.to === null) {
    return sql`
      select product_id, coalesce(b.orders, 0) + coalesce(c.orders, 0) as orders,
        coalesce(b.order_lines, 0) + coalesce(c.order_lines, 0) as order_lines,
        coalesce(b.units, 0) + coalesce(c.units, 0) as units,
        coalesce(b.revenue, 0) + coalesce(c.revenue, 0) as revenue,
        coalesce(b.cost, 0) + coalesce(c.cost, 0) as cost
      from sales_by_product b
      full join (select product_id, ${sums} from sales_changes where product_id is not null group by product_id) c
      using (product_id)
      where coalesce(b.order_lines, 0) + coalesce(c.order_lines, 0) > 0
      order by revenue desc, product_id limit ${limit}`;
  }
  return sql`
    select product_id, ${sums}
    from (${rangeRows(range)}) parts
    group by product_id having sum(order_lines) > 0
    order by 5 desc, 1 limit ${limit}`;
}

/**
 * The range's totals from the rollup of days (orders there are the day's orders with lines) and
 * the changes not yet compacted, where only the rows without a product count orders.
 */
const totals = (range: ReportRange) => {
  const days = daysOf(range);
  return sql`
    select coalesce(sum(orders), 0) as orders, coalesce(sum(order_lines), 0) as order_lines,
           coalesce(sum(units), 0) as units, coalesce(sum(revenue), 0) as revenue, coalesce(sum(cost), 0) as cost
    from (
      select ${figures} from sales_by_day where ${within(sql`day`, days)}
      union all
      select case when product_id is null then orders else 0 end, order_lines, units, revenue, cost
      from sales_changes where ${within(sql`day`, days)}
    ) parts`;
};

/**
 * Planner settings for the report's statement, measured at 10M lines (100,000 products; see
 * docs/performance-at-scale.md). Its cost estimate passes `jit_above_cost`, and compiling it took
 * ~65 ms of a range report that runs ~300 ms: JIT is off. The planner cannot count the groups of
 * a union of parts (it guesses 200) and hashes them, and the hash table of 100k products' numeric
 * sums spills at the default `work_mem` (a larger one was no faster); grouping the parts sorted
 * took ~55 ms less at 10M: hash aggregation is off.
 */
const REPORT_SETTINGS = sql`select set_config('jit', 'off', true), set_config('enable_hashagg', 'off', true)`;

/**
 * Sales over the lines' captured prices, in one statement, as JSON text with exact sums, read
 * from the report rollups alone (never from the lines): products ranked by revenue, the first
 * `limit` returned with their distinct orders, and totals over all of them. `figures` is
 * materialized: its body and its version would otherwise each compute it once more. `version`
 * covers the range and the figures but not generated_at, so a rebuilt report keeps its (weak) ETag.
 */
export async function salesReport(db: Db, range: ReportRange, limit: number) {
  // One round trip still: a batch is one HTTP request and one transaction, and set_config(…, true)
  // holds only until it ends, so the settings apply to this report's statement alone.
  const [, { rows }] = await db.batch([
    db.execute(REPORT_SETTINGS),
    db.execute<{ body: JsonText<Report>; version: string }>(sql`
    with ranked as (
      select x.*, p.product_name from (${rankedProducts(range, limit)}) x join products p on p.id = x.product_id
    ),
    figures as materialized (
      select ${jsonObject({ from: sql`${range.from}::text`, to: sql`${range.to}::text` })} as range,
        (select ${jsonObject({
          orders: sql`t.orders`,
          order_lines: sql`t.order_lines`,
          units: sql`t.units`,
          revenue: money(sql`t.revenue`),
          cost: money(sql`t.cost`),
          profit: money(sql`t.revenue - t.cost`),
        })}
         from (${totals(range)}) t) as totals,
        (select ${jsonAgg(
          jsonObject({
            product_id: sql`r.product_id`,
            product_name: sql`r.product_name`,
            orders: sql`r.orders`,
            units: sql`r.units`,
            revenue: money(sql`r.revenue`),
            cost: money(sql`r.cost`),
            profit: money(sql`r.revenue - r.cost`),
          }),
          sql`r.revenue desc, r.product_id`,
        )}
         from ranked r) as products
    )
    select ${jsonObject({
      generated_at: isoTime(sql`clock_timestamp()`),
      range: sql`f.range`,
      totals: sql`f.totals`,
      products: sql`f.products`,
    })}::text as body,
           md5(json_build_array(f.range, f.totals, f.products)::text) as version
    from figures f`),
  ]);
  const report = rows[0];
  if (!report) throw new Error("report query returned no row");
  return report;
}
