import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { expect } from "vitest";
import worker from "../src/index";
import type { Report } from "./fixtures";
import { api, db, redis } from "./helpers";

/**
 * Runs the Cron Trigger's handler, as Cloudflare would every minute: it compacts the report
 * rollups first. With Redis down its later cache-outbox drain fails, which the compaction survives.
 */
export async function runScheduled(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx).catch((err: unknown) => {
    if (!env.STACK_REDIS_DOWN) throw err;
  });
  await waitOnExecutionContext(ctx);
}

/** Forgets cached answers, so that the next report is computed by the database. */
export async function forgetCachedReports(): Promise<void> {
  if (!env.STACK_REDIS_DOWN) await redis().flushdb();
}

/**
 * The report the API must answer, summed from the lines and their orders alone (no rollup), by
 * the definition: the orders created in the range's UTC days, their lines at captured prices.
 */
export async function reportFromLines(
  from: string | null,
  to: string | null,
  limit = 100,
): Promise<Omit<Report, "generated_at">> {
  const [row] = await db().query(
    `with l as (
       select l.* from orders_products l join orders o on o.id = l.order_id
       where ($1::date is null or o.created_at >= $1::date::timestamp at time zone 'UTC')
         and ($2::date is null or o.created_at < ($2::date + 1)::timestamp at time zone 'UTC')
     ),
     per_product as (
       select l.product_id, p.product_name, count(distinct l.order_id) as orders, sum(l.amount) as units,
              sum(l.amount * l.unit_price) as revenue, sum(l.amount * l.unit_cost) as cost
       from l join products p on p.id = l.product_id group by 1, 2
     )
     select
       (select json_build_object('orders', count(distinct order_id), 'order_lines', count(*),
          'units', coalesce(sum(amount), 0), 'revenue', coalesce(sum(amount * unit_price), 0)::text,
          'cost', coalesce(sum(amount * unit_cost), 0)::text,
          'profit', coalesce(sum(amount * unit_price) - sum(amount * unit_cost), 0)::text) from l) as totals,
       (select coalesce(json_agg(json_build_object('product_id', product_id, 'product_name', product_name,
          'orders', orders, 'units', units, 'revenue', revenue::text, 'cost', cost::text,
          'profit', (revenue - cost)::text) order by revenue desc, product_id), '[]')
        from (select * from per_product order by revenue desc, product_id limit $3) x) as products`,
    [from, to, limit],
  );
  type Money = { revenue: string; cost: string; profit: string };
  const exact = <T extends Money>(x: T) => ({
    ...x,
    revenue: Number(x.revenue),
    cost: Number(x.cost),
    profit: Number(x.profit),
  });
  const totals = row?.totals as Report["totals"] & Money;
  const products = row?.products as (Report["products"][number] & Money)[];
  return {
    range: { from, to },
    totals: { ...exact(totals), orders: Number(totals.orders), units: Number(totals.units) },
    products: products.map((p) => ({ ...exact(p), orders: Number(p.orders), units: Number(p.units) })),
  };
}

/** Asserts that the API's report over the range is the one summed from the lines. */
export async function expectReportFromLines(from: string | null, to: string | null, limit = 100): Promise<void> {
  const query = new URLSearchParams({
    ...(from === null ? {} : { from }),
    ...(to === null ? {} : { to }),
    limit: String(limit),
  });
  const res = await api<Report>(`/reports-all?${query}`);
  expect(res.status).toBe(200);
  const { generated_at: _generatedAt, ...body } = res.body;
  expect({ query: query.toString(), ...body }).toEqual({
    query: query.toString(),
    ...(await reportFromLines(from, to, limit)),
  });
}

/** Every report rollup, rows that sum to nothing left out, in key order. */
export async function rollupRows() {
  const sql = db();
  const figures = "orders::int, order_lines::int, units::int, revenue::text, cost::text";
  const nonzero = "(orders, order_lines, units, revenue, cost) <> (0, 0, 0, 0, 0)";
  const [daily, monthly, byProduct, byDay, lineCounts] = await Promise.all([
    sql.query(`select day::text, product_id::int, ${figures} from sales_daily where ${nonzero} order by 1, 2`),
    sql.query(`select month::text, product_id::int, ${figures} from sales_monthly where ${nonzero} order by 1, 2`),
    sql.query(`select product_id::int, ${figures} from sales_by_product where ${nonzero} order by 1`),
    sql.query(`select day::text, ${figures} from sales_by_day where ${nonzero} order by 1`),
    sql.query("select id::int, line_count from orders order by id"),
  ]);
  return { daily, monthly, byProduct, byDay, lineCounts };
}

export async function pendingChanges(): Promise<number> {
  const [row] = await db().query("select count(*)::int as n from sales_changes");
  return Number(row?.n);
}
