import { createRoute, z } from "@hono/zod-openapi";
import { cached } from "../../cache/read-through";
import { CACHE_TAGS } from "../../cache/tags";
import {
  BatchDeletedSchema,
  BEARER,
  CountSchema,
  cachedResponses,
  conditionalReadParameters,
  DeletedSchema,
  errorResponses,
  errorStatuses,
  IdListSchema,
  IdParamsSchema,
  jsonBody,
  jsonContent,
  PagingQuerySchema,
  PUBLIC,
  writeParameters,
  writeResponseHeaders,
} from "../../lib/openapi";
import { batchOf, MAX_INT4, Money, PositiveId, readOnly, Timestamp } from "../../lib/schemas";

export const ProductSchema = z
  .object({
    id: z.number().int().openapi({ example: 1 }),
    product_name: z.string().openapi({ example: "Desk" }),
    price: z.number().openapi({ example: 100 }),
    cost: z.number().openapi({ example: 50 }),
    stock: z.number().int().openapi({ example: 10 }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Product");

const productFields = {
  product_name: z
    .string({ error: "must be a string" })
    .trim()
    .min(1, "must not be empty")
    .max(255, "must be at most 255 characters")
    // Postgres refuses NUL in text, and no other control character belongs in a name.
    .regex(/^[^\x00-\x1f\x7f-\x9f]*$/, "must not contain control characters")
    .openapi({ example: "Desk" }),
  price: Money.openapi({ example: 100 }),
  cost: Money.openapi({ example: 50 }),
  stock: z
    .number({ error: "must be an integer" })
    .int("must be an integer")
    .min(0, "must be ≥ 0")
    .max(MAX_INT4, `must be ≤ ${MAX_INT4}`)
    .openapi({ example: 10 }),
  created_at: readOnly(z.unknown()),
  updated_at: readOnly(z.unknown()),
};

export const ProductInputSchema = z
  .strictObject({ ...productFields, id: readOnly(z.unknown()) })
  .openapi("ProductInput");

/** PUT is a full replace; the body may carry the id it was read with, which must match. */
export const ProductReplaceSchema = z
  .strictObject({ ...productFields, id: PositiveId.optional().openapi({ example: 1 }) })
  .openapi("ProductReplace");

export type ProductInput = z.infer<typeof ProductInputSchema>;

const tags = ["Products"];
const one = { instance: "/products/1", resource: "Product" };
const invalidPrice = { path: "price", message: "must have at most 2 decimal places", code: "custom" };
const referenced = "Product 1 is still referenced by order lines";

export const list = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.products.list, PagingQuerySchema)] as const,
  path: "/products",
  operationId: "listProducts",
  tags,
  security: PUBLIC,
  summary: "List products by id",
  parameters: conditionalReadParameters,
  request: { query: PagingQuerySchema },
  responses: {
    ...cachedResponses(z.array(ProductSchema), "One page of products; a page past the end is []", { paged: true }),
    ...errorResponses(errorStatuses.readQuery, {
      instance: "/products",
      invalid: { path: "page_size", message: "must be an integer from 1 to 100", code: "too_big" },
    }),
  },
});

export const count = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.products.count)] as const,
  path: "/products-count",
  operationId: "countProducts",
  tags,
  security: PUBLIC,
  summary: "Count products",
  parameters: conditionalReadParameters,
  responses: {
    ...cachedResponses(CountSchema, "The number of products, as a bare integer"),
    ...errorResponses(errorStatuses.read, { instance: "/products-count" }),
  },
});

export const getOne = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.products.one)] as const,
  path: "/products/{id}",
  operationId: "getProduct",
  tags,
  security: PUBLIC,
  summary: "Get one product",
  parameters: conditionalReadParameters,
  request: { params: IdParamsSchema },
  responses: {
    ...cachedResponses(ProductSchema, "The product"),
    ...errorResponses(errorStatuses.readOne, one),
  },
});

export const create = createRoute({
  method: "post",
  path: "/products",
  operationId: "createProduct",
  tags,
  security: BEARER,
  summary: "Create a product",
  parameters: writeParameters(),
  request: { body: jsonBody(ProductInputSchema, "The new product") },
  responses: {
    201: {
      ...jsonContent(ProductSchema, "The created product"),
      headers: writeResponseHeaders({ location: "/products/1" }),
    },
    ...errorResponses(errorStatuses.write, { instance: "/products", invalid: invalidPrice }),
  },
});

export const update = createRoute({
  method: "put",
  path: "/products/{id}",
  operationId: "replaceProduct",
  tags,
  security: BEARER,
  summary: "Replace a product",
  parameters: writeParameters({ ifMatch: true }),
  request: {
    params: IdParamsSchema,
    body: jsonBody(ProductReplaceSchema, "The product's new state"),
  },
  responses: {
    200: { ...jsonContent(ProductSchema, "The replaced product"), headers: writeResponseHeaders({ etag: true }) },
    ...errorResponses(errorStatuses.replaceOne, { ...one, invalid: invalidPrice }),
  },
});

export const remove = createRoute({
  method: "delete",
  path: "/products/{id}",
  operationId: "deleteProduct",
  tags,
  security: BEARER,
  summary: "Delete a product",
  description: "Refused with 409 while order lines reference the product.",
  parameters: writeParameters({ ifMatch: true }),
  request: { params: IdParamsSchema },
  responses: {
    202: { ...jsonContent(DeletedSchema, "The product is deleted"), headers: writeResponseHeaders() },
    ...errorResponses(errorStatuses.deleteOne, { ...one, conflict: referenced }),
  },
});

export const createBatch = createRoute({
  method: "post",
  path: "/products-batch",
  operationId: "createProducts",
  tags,
  security: BEARER,
  summary: "Create up to 1000 products atomically",
  parameters: writeParameters(),
  request: { body: jsonBody(batchOf(ProductInputSchema), "Products to create, all or none") },
  responses: {
    201: {
      ...jsonContent(z.array(ProductSchema), "The created products, in input order"),
      headers: writeResponseHeaders(),
    },
    ...errorResponses(errorStatuses.write, {
      instance: "/products-batch",
      invalid: { ...invalidPrice, path: "0.price" },
    }),
  },
});

export const deleteBatch = createRoute({
  method: "delete",
  path: "/products-batch",
  operationId: "deleteProducts",
  tags,
  security: BEARER,
  summary: "Delete up to 1000 products atomically",
  description: "Refused with 409, deleting none, while order lines reference any of them.",
  parameters: writeParameters(),
  request: { body: jsonBody(IdListSchema, "Ids to delete") },
  responses: {
    202: {
      ...jsonContent(BatchDeletedSchema, "How many were deleted and which ids did not exist"),
      headers: writeResponseHeaders(),
    },
    ...errorResponses(errorStatuses.write, {
      instance: "/products-batch",
      invalid: { path: "0", message: "Too small: expected number to be >=1", code: "too_small" },
      conflict: referenced,
    }),
  },
});

export type ListRoute = typeof list;
export type CountRoute = typeof count;
export type GetOneRoute = typeof getOne;
export type CreateRoute = typeof create;
export type UpdateRoute = typeof update;
export type RemoveRoute = typeof remove;
export type CreateBatchRoute = typeof createBatch;
export type DeleteBatchRoute = typeof deleteBatch;
