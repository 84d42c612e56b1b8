import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoTime, type JsonText, money } from "../db/sql-json";

export interface ReportFigures {
  orders: number;
  units: number;
  revenue: number;
  cost: number;
  profit: number;
}

export interface SalesReport {
  generated_at: string;
  range: { from: string | null; to: string | null };
  totals: ReportFigures & { order_lines: number };
  products: (ReportFigures & { product_id: number; product_name: string })[];
}

/**
 * Sales over the lines' captured prices, aggregated by Postgres in one statement, as JSON text
 * with exact sums. `from` and `to` are inclusive UTC dates of the order's creation; null leaves
 * that side open. `version` covers the range and the figures but not generated_at, so a rebuilt
 * report with the same figures keeps its (weak) ETag.
 */
export async function salesReport(db: Db, range: { from: string | null; to: string | null }) {
  const { rows } = await db.execute<{ body: JsonText<SalesReport>; version: string }>(sql`
    with lines as (
      select l.order_id, l.product_id, l.amount,
             l.amount * l.unit_price as revenue, l.amount * l.unit_cost as cost
      from orders_products l join orders o on o.id = l.order_id
      where (${range.from}::date is null or o.created_at >= (${range.from}::date)::timestamp at time zone 'UTC')
        and (${range.to}::date is null or o.created_at < (${range.to}::date + 1)::timestamp at time zone 'UTC')
    ),
    per_product as (
      select x.product_id, p.product_name, count(distinct x.order_id) as orders, sum(x.amount) as units,
             sum(x.revenue) as revenue, sum(x.cost) as cost
      from lines x join products p on p.id = x.product_id
      group by x.product_id, p.product_name
    ),
    figures as (
      select json_build_object('from', ${range.from}::text, 'to', ${range.to}::text) as range,
        (select json_build_object(
          'orders', count(distinct order_id), 'order_lines', count(*), 'units', coalesce(sum(amount), 0),
          'revenue', ${money(sql`coalesce(sum(revenue), 0)`)}, 'cost', ${money(sql`coalesce(sum(cost), 0)`)},
          'profit', ${money(sql`coalesce(sum(revenue) - sum(cost), 0)`)})
         from lines) as totals,
        coalesce((
          select json_agg(json_build_object(
            'product_id', product_id, 'product_name', product_name, 'orders', orders, 'units', units,
            'revenue', ${money(sql`revenue`)}, 'cost', ${money(sql`cost`)}, 'profit', ${money(sql`revenue - cost`)})
            order by revenue desc, product_id)
          from per_product), '[]'::json) as products
    )
    select json_build_object('generated_at', ${isoTime(sql`clock_timestamp()`)}, 'range', f.range,
             'totals', f.totals, 'products', f.products)::text as body,
           md5(json_build_array(f.range, f.totals, f.products)::text) as version
    from figures f`);
  const report = rows[0];
  if (!report) throw new Error("report query returned no row");
  return report;
}
