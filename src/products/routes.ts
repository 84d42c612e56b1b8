import { z } from "@hono/zod-openapi";
import { problem } from "../problems/catalogue";
import * as crud from "../routes/crud/crud-routes";
import { fastProductInput } from "./fast-check";
import { ProductInputSchema, ProductReplaceSchema, ProductSchema } from "./schema";

const doc: crud.ResourceDoc = { tag: "Products", resource: "product" };
const invalidPrice = { path: "price", message: "must have at most 2 decimal places", code: "custom" };
const referenced = problem("still_referenced", { resource: "product", id: "1", by: "order_line" });

export const list = crud.listRoute(doc, {
  path: "/products",
  operationId: "listProducts",
  summary: "List products by id",
  item: ProductSchema,
  noun: "products",
});

export const count = crud.countRoute(doc, {
  path: "/products-count",
  operationId: "countProducts",
  summary: "Count products",
  noun: "products",
});

export const getOne = crud.getOneRoute(doc, {
  path: "/products/{id}",
  operationId: "getProduct",
  summary: "Get one product",
  schema: ProductSchema,
});

export const create = crud.createOneRoute(doc, {
  path: "/products",
  operationId: "createProduct",
  summary: "Create a product",
  body: ProductInputSchema,
  bodyDescription: "The new product",
  answer: ProductSchema,
  answered: "The created product",
  invalid: invalidPrice,
});

export const update = crud.replaceRoute(doc, {
  path: "/products/{id}",
  operationId: "replaceProduct",
  summary: "Replace a product",
  body: ProductReplaceSchema,
  bodyDescription: "The product's new state",
  answer: ProductSchema,
  invalid: invalidPrice,
});

export const remove = crud.deleteOneRoute(doc, {
  path: "/products/{id}",
  operationId: "deleteProduct",
  summary: "Delete a product",
  description: "Refused with 409 while order lines reference the product.",
  conflict: referenced,
});

export const createBatch = crud.createBatchRoute(doc, {
  path: "/products-batch",
  operationId: "createProducts",
  summary: "Create up to 1000 products atomically",
  item: ProductInputSchema,
  fastItem: fastProductInput,
  noun: "Products",
  answer: z.array(ProductSchema),
  answered: "The created products, in input order",
  invalid: { ...invalidPrice, path: "0.price" },
});

export const deleteBatch = crud.deleteBatchRoute(doc, {
  path: "/products-batch",
  operationId: "deleteProducts",
  summary: "Delete up to 1000 products atomically",
  description: "Refused with 409, deleting none, while order lines reference any of them.",
  conflict: referenced,
});
