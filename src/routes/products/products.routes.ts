import { createRoute, z } from "@hono/zod-openapi";
import { cached } from "../../cache/read-through";
import { CACHE_TAGS } from "../../cache/tags";
import {
  BatchDeletedSchema,
  ConditionalReadHeaders,
  CountSchema,
  cachedResponses,
  DeletedSchema,
  errorResponses,
  IdListSchema,
  IdParamsSchema,
  jsonBody,
  jsonContent,
  PagingQuerySchema,
  READ_ERRORS,
  WRITE_ERRORS,
  WriteResponseHeaders,
  writeHeaders,
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
    .regex(/^[^\p{Cc}]*$/u, "must not contain control characters")
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
const security = [{ bearerAuth: [] }];

export const list = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.products.list, PagingQuerySchema)] as const,
  path: "/products",
  tags,
  summary: "List products by id",
  request: { headers: ConditionalReadHeaders, query: PagingQuerySchema },
  responses: {
    ...cachedResponses(z.array(ProductSchema), "One page of products; a page past the end is []", { paged: true }),
    ...errorResponses(422, ...READ_ERRORS),
  },
});

export const count = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.products.count)] as const,
  path: "/products-count",
  tags,
  summary: "Count products",
  request: { headers: ConditionalReadHeaders },
  responses: {
    ...cachedResponses(CountSchema, "The number of products, as a bare integer"),
    ...errorResponses(...READ_ERRORS),
  },
});

export const getOne = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.products.one)] as const,
  path: "/products/{id}",
  tags,
  summary: "Get one product",
  request: { headers: ConditionalReadHeaders, params: IdParamsSchema },
  responses: {
    ...cachedResponses(ProductSchema, "The product"),
    ...errorResponses(404, 422, ...READ_ERRORS),
  },
});

export const create = createRoute({
  method: "post",
  path: "/products",
  tags,
  security,
  summary: "Create a product",
  request: { headers: writeHeaders(), body: jsonBody(ProductInputSchema, "The new product") },
  responses: {
    201: {
      ...jsonContent(ProductSchema, "The created product"),
      headers: z.object({ Location: z.string().openapi({ example: "/products/1" }), ...WriteResponseHeaders }),
    },
    ...errorResponses(...WRITE_ERRORS),
  },
});

export const update = createRoute({
  method: "put",
  path: "/products/{id}",
  tags,
  security,
  summary: "Replace a product",
  request: {
    headers: writeHeaders({ ifMatch: true }),
    params: IdParamsSchema,
    body: jsonBody(ProductReplaceSchema, "The product's new state"),
  },
  responses: {
    200: { ...jsonContent(ProductSchema, "The replaced product"), headers: z.object(WriteResponseHeaders) },
    ...errorResponses(404, 412, ...WRITE_ERRORS),
  },
});

export const remove = createRoute({
  method: "delete",
  path: "/products/{id}",
  tags,
  security,
  summary: "Delete a product",
  request: { headers: writeHeaders({ ifMatch: true }), params: IdParamsSchema },
  responses: {
    202: { ...jsonContent(DeletedSchema, "The product is deleted"), headers: z.object(WriteResponseHeaders) },
    ...errorResponses(404, 412, 409, ...WRITE_ERRORS),
  },
});

export const createBatch = createRoute({
  method: "post",
  path: "/products-batch",
  tags,
  security,
  summary: "Create up to 1000 products atomically",
  request: { headers: writeHeaders(), body: jsonBody(batchOf(ProductInputSchema), "Products to create, all or none") },
  responses: {
    201: {
      ...jsonContent(z.array(ProductSchema), "The created products, in input order"),
      headers: z.object(WriteResponseHeaders),
    },
    ...errorResponses(...WRITE_ERRORS),
  },
});

export const deleteBatch = createRoute({
  method: "delete",
  path: "/products-batch",
  tags,
  security,
  summary: "Delete up to 1000 products atomically",
  request: { headers: writeHeaders(), body: jsonBody(IdListSchema, "Ids to delete") },
  responses: {
    202: {
      ...jsonContent(BatchDeletedSchema, "How many were deleted and which ids did not exist"),
      headers: z.object(WriteResponseHeaders),
    },
    ...errorResponses(409, ...WRITE_ERRORS),
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
