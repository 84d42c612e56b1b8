import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { type JsonText, jsonAgg } from "../../db/sql-json";
import type { PageRow, Paging } from "../../lib/paging";

/**
 * One page of a list, as JSON built by Postgres. The page is chosen on bare ids first (by
 * keyset after `after`, else by offset) and JSON is built only for its rows, with one row more
 * fetched to know whether another page follows. `json` builds an item from `table` aliased `alias`.
 */
export async function listPage<Item>(db: Db, table: "products" | "orders", alias: string, json: SQL, paging: Paging) {
  const { page, page_size: size, after } = paging;
  const offset = after === undefined ? (page - 1) * size : 0;
  const { rows } = await db.execute<PageRow<JsonText<Item[]>>>(sql`
    with ids as (
      select id from ${sql.identifier(table)} where id > ${after ?? 0} order by id limit ${size + 1} offset ${offset}
    ),
    numbered as (select id, row_number() over (order by id) as n from ids)
    select ${jsonAgg(json, sql`x.id`, sql`x.n <= ${size}`)}::text as body,
           count(*) > ${size} as more, (max(x.id) filter (where x.n <= ${size}))::text as last
    from numbered x join ${sql.identifier(table)} ${sql.raw(alias)} on ${sql.raw(alias)}.id = x.id`);
  return rows[0] ?? { body: "[]", more: false, last: null };
}
