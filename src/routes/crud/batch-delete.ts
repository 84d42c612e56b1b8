import { type SQL, sql } from "drizzle-orm";
import { answerColumns } from "../../db/answer";
import { idArray, jsonAgg, jsonObject } from "../../db/sql-json";

/**
 * A batch delete's one statement: deletes what exists of `ids` (distinct, in the caller's order)
 * and answers `{deleted, not_found}`, the missing ids in the order asked. `also` adds CTEs after
 * `removed` (the deleted rows), for what goes with them.
 */
export const batchDelete = (
  table: "products" | "orders" | "orders_products",
  ids: readonly number[],
  also?: SQL,
) => sql`
  with asked as (select id, ord from unnest(${idArray(ids)}::bigint[]) with ordinality as t(id, ord)),
  removed as (delete from ${sql.identifier(table)} where id = any(${idArray(ids)}::bigint[]) returning *)
  ${also ?? sql``}
  select ${answerColumns({
    body: jsonObject({
      deleted: sql`(select count(*) from removed)`,
      not_found: sql`(select ${jsonAgg(sql`a.id`, sql`a.ord`)} from asked a where a.id not in (select id from removed))`,
    }),
  })}`;
