import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";

/** Rows folded per statement: a few seconds of work at most, well inside a write's time-out. */
export const COMPACT_ROWS = 50_000;
/** Statements per run: a minute of up to half a million changes is folded by the next run. */
const COMPACT_ROUNDS = 10;
/** An advisory lock of its own, so two runs never fold crosswise; the second finds nothing to do. */
const COMPACT_LOCK = 748_201_018;

const figures = ["orders", "order_lines", "units", "revenue", "cost"] as const;
const added = sql.raw(figures.map((f) => `${f} = s.${f} + excluded.${f}`).join(", "));
const sums = sql.raw(figures.map((f) => `sum(${f})`).join(", "));

/** Adds the moved changes of products into a rollup keyed by `key` (an expression over `day`). */
const fold = (name: string, table: string, keyColumns: string, key: string) => sql`
  ${sql.raw(name)} as (
    insert into ${sql.raw(table)} as s (${sql.raw(keyColumns)}, ${sql.raw(figures.join(", "))})
    select ${sql.raw(key)}, ${sums} from moved where product_id is not null
    group by ${sql.raw(key)} order by ${sql.raw(key)}
    on conflict (${sql.raw(keyColumns)}) do update set ${added}
  )`;

/**
 * One statement that moves up to `limit` rows of `sales_changes` into the report rollups: deleted
 * and added in one transaction, so a report (one snapshot) sees each change exactly once, folded
 * or not. Only the compaction writes the rollups, so writers never wait on it; the rollup rows are
 * taken in key order. Answers how many rows it moved.
 *
 * `running` keeps sales_running's running totals: a change adds to every boundary after its day
 * up to the horizon (the latest boundary), and a change past the horizon moves it on, each new
 * boundary starting from the product's row at the old horizon (its total so far; a product
 * without one has sold nothing yet). A change of today touches one or two boundaries; one of a
 * day long past touches every boundary since (8 a month).
 */
export const compactionStatement = (limit: number): SQL => sql`
  with moved as (
    delete from sales_changes
    where ctid = any(array(
      select ctid from sales_changes where (select pg_try_advisory_xact_lock(${COMPACT_LOCK})) limit ${limit}
    ))
    returning *
  ),
  ${fold("daily", "sales_daily", "day, product_id", "day, product_id")},
  ${fold("monthly", "sales_monthly", "month, product_id", "date_trunc('month', day)::date, product_id")},
  ${fold("by_product", "sales_by_product", "product_id", "product_id")},
  horizon as (
    select (select max(at) from sales_running) as old,
           greatest((select max(at) from sales_running),
                    (select max(sales_boundary_after(day)) from moved where product_id is not null)) as new
  ),
  running as (
    insert into sales_running as s (at, product_id, ${sql.raw(figures.join(", "))})
    select at, product_id, ${sums}
    from (
      select b.at, m.product_id, ${sql.raw(figures.map((f) => `m.${f}`).join(", "))}
      from moved m cross join horizon h cross join lateral sales_boundaries(sales_boundary_after(m.day), h.new) b(at)
      where m.product_id is not null
      union all
      select b.at, r.product_id, ${sql.raw(figures.map((f) => `r.${f}`).join(", "))}
      from horizon h join sales_running r on r.at = h.old
      cross join lateral sales_boundaries(h.old + 1, h.new) b(at)
    ) x
    group by at, product_id order by at, product_id
    on conflict (at, product_id) do update set ${added}
  ),
  by_day as (
    insert into sales_by_day as s (day, ${sql.raw(figures.join(", "))})
    select day, coalesce(sum(orders) filter (where product_id is null), 0), sum(order_lines), sum(units),
           sum(revenue), sum(cost)
    from moved group by day order by day
    on conflict (day) do update set ${added}
  )
  select count(*)::int as moved from moved`;

/**
 * The scheduled compaction of the report rollups: folds the changes that writes appended into
 * the rollups, so reports add few of them. It fails alone: an error is logged, and what it
 * folded before stays folded (each statement is its own transaction).
 */
export async function compactSales(db: Db): Promise<number> {
  let total = 0;
  try {
    for (let round = 0; round < COMPACT_ROUNDS; round++) {
      const { rows } = await db.execute<{ moved: number }>(compactionStatement(COMPACT_ROWS));
      const moved = rows[0]?.moved ?? 0;
      total += moved;
      if (moved < COMPACT_ROWS) break;
    }
  } catch (err) {
    console.error(
      JSON.stringify({
        level: "error",
        message: "scheduled",
        task: "sales compaction",
        folded: total,
        error: String(err),
      }),
    );
    return total;
  }
  console.log(JSON.stringify({ level: "info", message: "scheduled", task: "sales compaction", folded: total }));
  return total;
}
