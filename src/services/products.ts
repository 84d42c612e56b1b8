import { type SQL, sql } from "drizzle-orm";
import { CACHE_TAGS } from "../cache/tags";
import { type AnswerRow, answerColumns } from "../db/answer";
import type { Db } from "../db/client";
import { guard, guardPasses, lockRow, targetChecks } from "../db/guards";
import { products } from "../db/schema";
import { idArray, isoTime, type JsonText, money } from "../db/sql-json";
import type { UnitOfWork } from "../db/unit-of-work";
import type { IfMatch } from "../lib/conditional";

export interface ProductFields {
  product_name: string;
  price: number;
  cost: number;
  stock: number;
}

export interface Product extends ProductFields {
  id: number;
  created_at: string;
  updated_at: string;
}

export interface Page {
  page: number;
  pageSize: number;
}

/** The API's Product, as JSON built by Postgres from a row of `products` aliased `alias`. */
const productJson = (alias: string) => {
  const p = sql.raw(alias);
  return sql`json_build_object('id', ${p}.id, 'product_name', ${p}.product_name, 'price', ${money(sql`${p}.price`)},
    'cost', ${money(sql`${p}.cost`)}, 'stock', ${p}.stock, 'created_at', ${isoTime(sql`${p}.created_at`)},
    'updated_at', ${isoTime(sql`${p}.updated_at`)})`;
};

/** The row's version, for ETag and If-Match: any change to any column changes it. */
const productVersion = (alias: string) => sql`md5(${sql.raw(alias)}::text)`;

/** One page and whether another follows (one row more was there). */
export async function listProducts(db: Db, { page, pageSize }: Page) {
  const { rows } = await db.execute<{ body: JsonText<Product[]>; more: boolean }>(sql`
    with rows as (select * from products order by id limit ${pageSize + 1} offset ${(page - 1) * pageSize}),
    numbered as (select r.*, row_number() over (order by r.id) as n from rows r)
    select coalesce(json_agg(${productJson("p")} order by p.id) filter (where p.n <= ${pageSize}), '[]')::text as body,
           count(*) > ${pageSize} as more
    from numbered p`);
  return rows[0] ?? { body: "[]", more: false };
}

export async function countProducts(db: Db): Promise<number> {
  return db.$count(products);
}

export async function getProduct(db: Db, id: number) {
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
  uow.changed(...CACHE_TAGS.products.changes);
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
export const createProduct = (uow: UnitOfWork, input: ProductFields) =>
  insertProducts<Product>(uow, [input], {
    body: sql`(select ${productJson("a")} from added a)`,
    location: sql`(select '/products/' || id from added)`,
  });

/** A batch, all or none: answers the products in input order. */
export const createProducts = (uow: UnitOfWork, inputs: readonly ProductFields[]) =>
  insertProducts<Product[]>(uow, inputs, {
    body: sql`coalesce((select json_agg(${productJson("a")} order by a.id) from added a), '[]')`,
  });

/** The checks of a write to product `id`, against the latest committed row (locked before). */
const targetGuard = (id: number, ifMatch: IfMatch) =>
  guard(
    ...targetChecks("product", id, ifMatch, {
      exists: sql`exists (select 1 from target)`,
      version: sql`(select ${productVersion("t")} from target t)`,
    }),
  );

export function replaceProduct(uow: UnitOfWork, id: number, input: ProductFields, ifMatch: IfMatch) {
  uow.changed(...CACHE_TAGS.products.changes);
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

export function deleteProduct(uow: UnitOfWork, id: number, ifMatch: IfMatch) {
  uow.changed(...CACHE_TAGS.products.changes);
  uow.add(uow.db.execute(lockRow("products", id)));
  return uow.add(
    uow.db.execute<AnswerRow<{ id: number; deleted: true }>>(sql`
      with target as (select * from products where id = ${id}),
      ${targetGuard(id, ifMatch)},
      removed as (delete from products where id = ${id} and ${guardPasses} returning id)
      select ${answerColumns({ body: sql`json_build_object('id', r.id, 'deleted', true)` })} from removed r`),
  );
}

/** Deletes what exists of `ids` (distinct, in the caller's order); answers which were not there. */
export function deleteProducts(uow: UnitOfWork, ids: readonly number[]) {
  uow.changed(...CACHE_TAGS.products.changes);
  return uow.add(uow.db.execute<AnswerRow<{ deleted: number; not_found: number[] }>>(batchDelete("products", ids)));
}

/** A batch delete's one statement and its `{deleted, not_found}` answer. */
export function batchDelete(table: "products" | "orders" | "orders_products", ids: readonly number[], also?: SQL) {
  return sql`
    with asked as (select id, ord from unnest(${idArray(ids)}::bigint[]) with ordinality as t(id, ord)),
    removed as (delete from ${sql.identifier(table)} where id = any(${idArray(ids)}::bigint[]) returning *)
    ${also ?? sql``}
    select ${answerColumns({
      body: sql`json_build_object(
        'deleted', (select count(*) from removed),
        'not_found', coalesce((select json_agg(a.id order by a.ord) from asked a where a.id not in (select id from removed)), '[]'))`,
    })}`;
}
