import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { type JsonText, jsonAgg } from "../../db/sql-json";
import type { PageRow, Paging } from "../../lib/paging";

type List = "products" | "orders";

/**
 * Where a page by number starts: the bucket of 1,000 ids that holds its first row, and how many
 * rows come before that bucket, from the list's counts per bucket (folded and not yet folded;
 * drizzle 0014). Without it a page steps over every id before it (2M for the last page of orders
 * at 10M lines); with it, over ~2,000 bucket counts and fewer than 1,000 ids.
 */
const pageStart = (list: List, offset: number) => sql`
  select bucket, before from (
    select bucket, sum(rows) over (order by bucket) - rows as before
    from (
      select bucket, sum(rows) as rows from (
        select bucket, rows from list_positions where list = ${list}
        union all
        select bucket, rows from list_position_changes where list = ${list}
      ) counted group by bucket
    ) buckets
  ) running
  where before <= ${offset} order by bucket desc limit 1`;

/** The ids of one page and one more (to know whether another follows): by keyset after `after`, else by number. */
function pageIds(list: List, { page, page_size: size, after }: Paging): SQL {
  const table = sql.identifier(list);
  if (after !== undefined) return sql`select id from ${table} where id > ${after} order by id limit ${size + 1}`;
  const offset = (page - 1) * size;
  return sql`
    select id from ${table}
    where id > 0 and id >= list_bucket_start(coalesce((select bucket from start), 0))
    order by id limit ${size + 1} offset ${offset} - coalesce((select before from start), 0)`;
}

/**
 * One page of a list, as JSON built by Postgres. The page is chosen on bare ids first and JSON is
 * built only for its rows. `json` builds an item from `list`'s table aliased `alias`.
 */
export async function listPage<Item>(db: Db, list: List, alias: string, json: SQL, paging: Paging) {
  const { page, page_size: size, after } = paging;
  const start = after === undefined ? sql`start as (${pageStart(list, (page - 1) * size)}),` : sql``;
  const { rows } = await db.execute<PageRow<JsonText<Item[]>>>(sql`
    with ${start}
    ids as (${pageIds(list, paging)}),
    numbered as (select id, row_number() over (order by id) as n from ids)
    select ${jsonAgg(json, sql`x.id`, sql`x.n <= ${size}`)}::text as body,
           count(*) > ${size} as more, (max(x.id) filter (where x.n <= ${size}))::text as last
    from numbered x join ${sql.identifier(list)} ${sql.raw(alias)} on ${sql.raw(alias)}.id = x.id`);
  return rows[0] ?? { body: "[]", more: false, last: null };
}

/** Rows of list_position_changes folded per statement, and statements per run (a minute). */
const FOLD_ROWS = 100_000;
const FOLD_ROUNDS = 10;
/** The fold's advisory lock: a second run finds nothing to do, and a TRUNCATE waits for the fold (drizzle 0014). */
const FOLD_LOCK = 748_201_019;

/**
 * Folds the counts writes appended into list_positions: each statement deletes and adds in one
 * transaction, so a page (one snapshot) counts each row exactly once, and writers, which only
 * append, never wait on it. Rounds go on while a round finds a full batch. Answers how many rows
 * it folded.
 */
export async function compactListPositions(db: Db): Promise<number> {
  let total = 0;
  for (let round = 0; round < FOLD_ROUNDS; round++) {
    const { rows } = await db.execute<{ folded: number }>(sql`
      with moved as (
        delete from list_position_changes
        where ctid in (
          select ctid from list_position_changes where (select pg_try_advisory_xact_lock(${FOLD_LOCK})) limit ${FOLD_ROWS}
        )
        returning list, bucket, rows
      ),
      folded as (
        insert into list_positions as p (list, bucket, rows)
        select list, bucket, sum(rows) from moved group by list, bucket order by list, bucket
        on conflict (list, bucket) do update set rows = p.rows + excluded.rows
      )
      select count(*)::int as folded from moved`);
    const folded = rows[0]?.folded ?? 0;
    total += folded;
    if (folded < FOLD_ROWS) break;
  }
  return total;
}
