import { type SQL, sql } from "drizzle-orm";
import { CACHE_TAGS } from "../cache/tags";
import { type AnswerRow, answerColumns } from "../db/answer";
import type { Db } from "../db/client";
import { guard, guardPasses, lockRow, targetChecks } from "../db/guards";
import { products } from "../db/schema";
import { deletedJson, isoTime, type JsonText, jsonAgg, jsonObjectOf, money } from "../db/sql-json";
import type { UnitOfWork } from "../db/unit-of-work";
import type { IfMatch } from "../lib/conditional";
import type { Paging } from "../lib/paging";
import { batchDelete } from "../routes/crud/batch-delete";
import { listPage } from "../routes/crud/list-page";
import type { Product, ProductFields } from "./schema";

/** The API's Product, as JSON built by Postgres from a row of `products` aliased `alias`. */
const productJson = (alias: string) => {
  const p = sql.raw(alias);
  return jsonObjectOf<Product>({
    id: sql`${p}.id`,
    product_name: sql`${p}.product_name`,
    price: money(sql`${p}.price`),
    cost: money(sql`${p}.cost`),
    stock: sql`${p}.stock`,
    created_at: isoTime(sql`${p}.created_at`),
    updated_at: isoTime(sql`${p}.updated_at`),
  });
};

/** The row's version, for ETag and If-Match: any change to any column changes it. */
const productVersion = (alias: string) => sql`md5(${sql.raw(alias)}::text)`;

export const list = (db: Db, paging: Paging) => listPage<Product>(db, "products", "p", productJson("p"), paging);

export async function count(db: Db): Promise<number> {
  return db.$count(products);
}

export async function get(db: Db, id: number) {
  const { rows } = await db.execute<{ body: JsonText<Product>; version: string }>(
    sql`select ${productJson("p")}::text as body, ${productVersion("p")} as version from products p where p.id = ${id}`,
  );
  return rows[0];
}

/**
 * Inserts products, read from one jsonb parameter, in input order; identity ids follow insertion
 * order, so sorting by id gives the input order back.
 */
function insertProducts<T>(uow: UnitOfWork, inputs: readonly ProductFields[], answer: { body: SQL; location?: SQL }) {
  uow.changed(...CACHE_TAGS.product.changes);
  return uow.add(
    uow.db.execute<AnswerRow<T>>(sql`
      with input as (
        select x.product_name, x.price, x.cost, x.stock, t.ord
        from jsonb_array_elements(${JSON.stringify(inputs)}::jsonb) with ordinality as t(e, ord),
             jsonb_to_record(t.e) as x(product_name text, price numeric, cost numeric, stock int)
      ),
      added as (
        insert into products (product_name, price, cost, stock)
        select product_name, price, cost, stock from input order by ord
        returning *
      )
      select ${answerColumns(answer)}`),
  );
}

/** One product: answers it, with its Location. */
export const createOne = (uow: UnitOfWork, input: ProductFields) =>
  insertProducts<Product>(uow, [input], {
    body: sql`(select ${productJson("a")} from added a)`,
    location: sql`(select '/products/' || id from added)`,
  });

/** A batch, all or none: answers the products in input order. */
export const createMany = (uow: UnitOfWork, inputs: readonly ProductFields[]) =>
  insertProducts<Product[]>(uow, inputs, {
    body: sql`(select ${jsonAgg(productJson("a"), sql`a.id`)} from added a)`,
  });

/** The checks of a write to product `id`, against the latest committed row (locked before). */
const targetGuard = (id: number, ifMatch: IfMatch) =>
  guard(
    ...targetChecks("product", id, ifMatch, {
      exists: sql`exists (select 1 from target)`,
      version: sql`(select ${productVersion("t")} from target t)`,
    }),
  );

export function replace(uow: UnitOfWork, id: number, input: ProductFields, ifMatch: IfMatch) {
  uow.changed(...CACHE_TAGS.product.changes);
  uow.add(uow.db.execute(lockRow("products", id)));
  return uow.add(
    uow.db.execute<AnswerRow<Product>>(sql`
      with target as (select * from products where id = ${id}),
      ${targetGuard(id, ifMatch)},
      updated as (
        update products p
        set product_name = ${input.product_name}, price = ${input.price}, cost = ${input.cost}, stock = ${input.stock},
            updated_at = now()
        where p.id = ${id} and ${guardPasses}
        returning p.*
      )
      select ${answerColumns({ body: productJson("u"), etag: productVersion("u") })} from updated u`),
  );
}

export function deleteOne(uow: UnitOfWork, id: number, ifMatch: IfMatch) {
  uow.changed(...CACHE_TAGS.product.changes);
  uow.add(uow.db.execute(lockRow("products", id)));
  return uow.add(
    uow.db.execute<AnswerRow<{ id: number; deleted: true }>>(sql`
      with target as (select * from products where id = ${id}),
      ${targetGuard(id, ifMatch)},
      removed as (delete from products where id = ${id} and ${guardPasses} returning id)
      select ${answerColumns({ body: deletedJson })} from removed r`),
  );
}

/** Deletes what exists of `ids` (distinct, in the caller's order); answers which were not there. */
export function deleteMany(uow: UnitOfWork, ids: readonly number[]) {
  uow.changed(...CACHE_TAGS.product.changes);
  return uow.add(uow.db.execute<AnswerRow<{ deleted: number; not_found: number[] }>>(batchDelete("products", ids)));
}
