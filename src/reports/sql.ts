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

// Days as `YYYY-MM-DD` strings, read and written from their parts: the day after 9999-12-31 (a
// range's end, or a boundary after it) has a five-digit year, which `toISOString` writes as
// "+010000-01-01" and Postgres refuses, and which fixed slices would cut wrong.
const msOf = (day: string) => {
  const [year = 0, month = 1, date = 1] = day.split("-").map(Number);
  return Date.UTC(year, month - 1, date);
};
const dayAt = (ms: number) => {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(d.getUTCFullYear()).padStart(4, "0")}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
};
const addDays = (day: string, n: number) => dayAt(msOf(day) + n * 86_400_000);
const monthOf = (day: string) => `${day.slice(0, -3)}-01`;
const nextMonth = (month: string) => {
  const d = new Date(msOf(month));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return dayAt(d.getTime());
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
const dayOfMonth = (day: string) => Number(day.slice(-2));
const isBoundary = (day: string) => dayOfMonth(day) <= 29 && (dayOfMonth(day) - 1) % 4 === 0;
const boundaryAtOrBefore = (day: string) =>
  addDays(monthOf(day), Math.floor((Math.min(dayOfMonth(day), 29) - 1) / 4) * 4);
const boundaryAfter = (day: string) =>
  dayOfMonth(day) >= 29
    ? nextMonth(monthOf(day))
    : addDays(monthOf(day), Math.floor((dayOfMonth(day) - 1) / 4 + 1) * 4);
const daysBetween = (a: string, b: string) => Math.round((msOf(b) - msOf(a)) / 86_400_000);
/** The boundary nearest a day (the day itself if it is one): at most 2 days away. */
export const nearestBoundary = (day: string) => {
  if (isBoundary(day)) return day;
  const before = boundaryAtOrBefore(day);
  const after = boundaryAfter(day);
  return daysBetween(before, day) <= daysBetween(day, after) ? before : after;
};
/** The boundary at or after a day (the day itself if it is one). */
const boundaryAtOrAfter = (day: string) => (isBoundary(day) ? day : boundaryAfter(day));
/** Up to this many days, a range is summed from its day rows rather than from running totals. */
const DIRECT_DAYS = 2;

const signed = (sign: 1 | -1) =>
  sign === 1
    ? figures
    : sql`-orders as orders, -order_lines as order_lines, -units as units, -revenue as revenue, -cost as cost`;

/** `and product_id is one of the rows of the CTE named `only``, or nothing when every product counts. */
const among = (only: string | undefined) =>
  only === undefined ? sql`` : sql` and product_id in (select product_id from ${sql.raw(only)})`;

/** One day's rows of sales_daily, in product order (its key), with `sign`. */
const dayRows = (day: string, sign: 1 | -1, only?: string) =>
  sql`select product_id, ${signed(sign)} from sales_daily where day = ${day}::date${among(only)}`;

/** The latest boundary of sales_running: a boundary past it holds what it holds (nothing was folded later). */
const horizon = sql`(select max(at) from sales_running)`;

/**
 * Every product's sales on the days before `day` (a half-open range end) times `sign`: the
 * running total at the nearest boundary, or past the horizon the product's total, and the at most
 * two days between that boundary and `day`. Each part comes in product order, so the parts merge.
 */
function salesBefore(day: string, sign: 1 | -1, only?: string): SQL[] {
  const at = nearestBoundary(day);
  const parts = [
    sql`select product_id, ${signed(sign)} from sales_running where at = ${at}::date${among(only)}`,
    sql`select product_id, ${signed(sign)} from sales_by_product
        where ${at}::date > coalesce(${horizon}, '-infinity'::date)${among(only)}`,
  ];
  for (let d = at; d < day; d = addDays(d, 1)) parts.push(dayRows(d, sign, only));
  for (let d = day; d < at; d = addDays(d, 1)) parts.push(dayRows(d, sign === 1 ? -1 : 1, only));
  return parts;
}

const isShort = (days: Span) =>
  days.from !== null && days.until !== null && daysBetween(days.from, days.until) <= DIRECT_DAYS;

/**
 * The rows per product whose sum is the range's sales, for every product or only those of the CTE
 * `only`: a short range its day rows; a longer one the difference of the sales before its end and
 * before its start (two running totals per product and at most four days, whatever its length);
 * and the changes of its days not yet compacted.
 */
function rangeRows(range: ReportRange, only?: string): SQL {
  const days = daysOf(range);
  const parts = isShort(days)
    ? [sql`select product_id, ${figures} from sales_daily where ${within(sql`day`, days)}${among(only)}`]
    : [
        ...(days.until === null
          ? [sql`select product_id, ${figures} from sales_by_product where true${among(only)}`]
          : salesBefore(days.until, 1, only)),
        ...(days.from === null ? [] : salesBefore(days.from, -1, only)),
      ];
  parts.push(
    sql`select product_id, ${figures} from sales_changes
        where product_id is not null and ${within(sql`day`, days)}${among(only)}`,
  );
  return sql.join(parts, sql` union all `);
}

/** Every figure of the rows of `rangeRows`, summed per product. */
const summed = (range: ReportRange, only?: string) =>
  sql`select product_id, ${sums} from (${rangeRows(range, only)}) parts group by product_id`;

/**
 * An upper bound of every product's revenue over the range, from two running totals per product
 * and no day rows: the sales between the boundary at or before its start and the one at or after
 * its end (past the horizon, the horizon's), with the changes of those days not yet compacted.
 * The days it adds are at most three at each end, and a line's revenue is never negative (its
 * amount is positive, its prices are not negative), so no product sold more in the range. A
 * product with no row sold nothing in those days.
 */
function revenueBounds({ from, until }: Span): SQL {
  const after = until === null ? null : boundaryAtOrAfter(until);
  const before = from === null ? null : boundaryAtOrBefore(from);
  const end =
    after === null
      ? sql`select product_id, revenue from sales_by_product`
      : sql`select product_id, revenue from sales_running where at = least(${after}::date, ${horizon})`;
  const start =
    before === null
      ? sql``
      : sql`left join sales_running s on s.product_id = e.product_id and s.at = least(${before}::date, ${horizon})`;
  return sql`
    select coalesce(e.product_id, c.product_id) as product_id,
           coalesce(e.revenue, 0) - ${before === null ? sql`0` : sql`coalesce(s.revenue, 0)`} + coalesce(c.revenue, 0) as bound
    from (${end}) e
    ${start}
    full join (
      select product_id, sum(revenue) as revenue from sales_changes
      where product_id is not null and ${within(sql`day`, { from: before, until: after })}
      group by product_id
    ) c on c.product_id = e.product_id`;
}

/**
 * The first `limit` products by revenue over the range, with all their figures. All time reads one
 * row per product plus the changes not yet compacted. A short range sums its day rows. A longer
 * one is summed exactly only for the products that can rank (summing every product's running
 * totals and edge days was the cost at 100,000 products): each product's revenue is bounded from
 * above by two running totals (revenueBounds); the `limit` products with the highest bounds are
 * summed exactly, and the `limit`-th of them (by revenue, with lines) is a revenue that the
 * `limit`-th product overall reaches at least; so only the products whose bound reaches it can
 * rank, and those are summed exactly and ranked. Where fewer than `limit` of those highest bounds
 * had lines in the range, there is no threshold and every product is summed. Products without
 * lines in the range are left out.
 */
function rankedProducts(range: ReportRange, limit: number): SQL {
  const days = daysOf(range);
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
  // The products with lines among those summed (every product, or the CTE `only`), ranked.
  const ranking = (only?: string, offset = 0) =>
    sql`select * from (${summed(range, only)}) s
        where order_lines > 0 order by revenue desc, product_id offset ${offset} limit ${limit}`;
  if (isShort(days)) return ranking();
  return sql`
    with bounds as materialized (${revenueBounds(days)}),
    highest as (select product_id from bounds order by bound desc, product_id limit ${limit}),
    threshold as (select revenue from (${ranking("highest", limit - 1)}) s limit 1),
    candidates as (
      select product_id from bounds
      where not exists (select from threshold) or bound >= (select revenue from threshold)
    )
    ${ranking("candidates")}`;
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
 * took ~55 ms less at 10M: hash aggregation is off. Two days of day rows (44k) were grouped by
 * parallel workers and merged in 129 ms; one process groups them faster: parallel plans are off.
 */
const REPORT_SETTINGS = sql`select set_config('jit', 'off', true), set_config('enable_hashagg', 'off', true),
  set_config('max_parallel_workers_per_gather', '0', true)`;

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
