import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { products } from "../db/schema";
import type { UnitOfWork } from "../db/unit-of-work";
import { hexArray } from "../lib/conditional";

/** The API's Product shape, selected straight from the table. */
export const productColumns = {
  id: products.id,
  product_name: products.productName,
  price: products.price,
  cost: products.cost,
  stock: products.stock,
  created_at: products.createdAt,
  updated_at: products.updatedAt,
};

/** The row's version, for ETag and If-Match: any change to any column changes it. */
const version = sql<string>`md5(${products}::text)`;

export interface ProductFields {
  product_name: string;
  price: number;
  cost: number;
  stock: number;
}

export interface Page {
  page: number;
  pageSize: number;
}

const toRow = (p: ProductFields) => ({ productName: p.product_name, price: p.price, cost: p.cost, stock: p.stock });

/** One page plus one row, so the caller knows whether another page follows. */
export function listProducts(db: Db, { page, pageSize }: Page) {
  return db
    .select(productColumns)
    .from(products)
    .orderBy(products.id)
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize);
}

export async function countProducts(db: Db): Promise<number> {
  return db.$count(products);
}

export async function getProduct(db: Db, id: number) {
  const [row] = await db
    .select({ ...productColumns, version })
    .from(products)
    .where(eq(products.id, id));
  return row;
}

/** Identity ids grow in insertion order, so RETURNING sorted by id is the input order. */
export function createProducts(uow: UnitOfWork, inputs: readonly ProductFields[]) {
  uow.touch("products");
  return uow.add(uow.db.insert(products).values(inputs.map(toRow)).returning(productColumns));
}

/**
 * Fails the batch with 412 when the product exists but is no longer at one of `versions`.
 * It runs first in the same batch and locks the row, so the write after it cannot race.
 */
export function requireProductVersion(uow: UnitOfWork, id: number, versions: readonly string[]) {
  uow.add(
    uow.db.execute(sql`
      select api_error(412, ${`Product ${id} has changed since the ETag in If-Match`})
      from products where id = ${id} and ${version} <> all(${hexArray(versions)}::text[])
      for update`),
  );
}

export function replaceProduct(uow: UnitOfWork, id: number, input: ProductFields) {
  uow.touch("products");
  return uow.add(
    uow.db
      .update(products)
      .set({ ...toRow(input), updatedAt: sql`now()` })
      .where(eq(products.id, id))
      .returning({ ...productColumns, version }),
  );
}

export function deleteProducts(uow: UnitOfWork, ids: readonly number[]) {
  uow.touch("products");
  return uow.add(
    uow.db
      .delete(products)
      .where(inArray(products.id, [...ids]))
      .returning({ id: products.id }),
  );
}
