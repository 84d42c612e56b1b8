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
import { batchOf, MAX_INT4, PositiveId, readOnly, Timestamp } from "../../lib/schemas";

export const OrderSchema = z
  .object({
    order_id: z.number().int().openapi({ example: 7 }),
    created_at: Timestamp,
    updated_at: Timestamp,
    total: z.number().openapi({ example: 1050 }),
    products: z.array(
      z
        .object({
          id: z.number().int().openapi({ example: 12 }),
          product_id: z.number().int().openapi({ example: 1 }),
          product_name: z.string().openapi({ example: "Desk" }),
          amount: z.number().int().openapi({ example: 10 }),
          unit_price: z.number().openapi({ example: 100 }),
          line_total: z.number().openapi({ example: 1000 }),
        })
        .openapi("OrderProduct"),
    ),
  })
  .openapi("Order");

const orderFields = {
  product_ids: z
    .array(PositiveId)
    .min(1, "must have at least 1 line")
    .max(100, "must have at most 100 lines")
    .openapi({ example: [1] }),
  amounts: z
    .array(
      z
        .number({ error: "must be an integer" })
        .int("must be an integer")
        .min(1, "must be ≥ 1")
        .max(MAX_INT4, `must be ≤ ${MAX_INT4}`),
    )
    .min(1, "must have at least 1 line")
    .max(100, "must have at most 100 lines")
    .openapi({ example: [2] }),
  created_at: readOnly(z.unknown()),
  updated_at: readOnly(z.unknown()),
  total: readOnly(z.unknown()),
  products: readOnly(z.unknown()),
};

const sameLength = (body: { product_ids: unknown[]; amounts: unknown[] }, ctx: z.RefinementCtx) => {
  if (body.product_ids.length !== body.amounts.length) {
    ctx.addIssue({ code: "custom", path: ["amounts"], message: "product_ids and amounts must have the same length" });
  }
};

export const OrderInputSchema = z
  .strictObject({ ...orderFields, order_id: readOnly(z.unknown()) })
  .superRefine(sameLength)
  .openapi("OrderInput");

/** The body may carry the order_id it was read with, which must equal the path id. */
export const OrderReplaceSchema = z
  .strictObject({ ...orderFields, order_id: PositiveId.optional().openapi({ example: 1 }) })
  .superRefine(sameLength)
  .openapi("OrderReplace");

const tags = ["Orders"];
const one = { instance: "/orders/1", resource: "Order" };
const unknownProducts = { path: "product_ids", message: "Unknown product ids: 98, 99", code: "not_found" };

export const list = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.orders.list, PagingQuerySchema)] as const,
  path: "/orders-list",
  operationId: "listOrders",
  tags,
  security: PUBLIC,
  summary: "List orders with their lines, by id",
  parameters: conditionalReadParameters,
  request: { query: PagingQuerySchema },
  responses: {
    ...cachedResponses(z.array(OrderSchema), "One page of orders; a page past the end is []", { paged: true }),
    ...errorResponses(errorStatuses.readQuery, {
      instance: "/orders-list",
      invalid: { path: "page", message: "must be an integer ≥ 1", code: "too_small" },
    }),
  },
});

export const count = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.orders.count)] as const,
  path: "/orders-count",
  operationId: "countOrders",
  tags,
  security: PUBLIC,
  summary: "Count orders",
  parameters: conditionalReadParameters,
  responses: {
    ...cachedResponses(CountSchema, "The number of orders, as a bare integer"),
    ...errorResponses(errorStatuses.read, { instance: "/orders-count" }),
  },
});

export const getOne = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.orders.one)] as const,
  path: "/orders/{id}",
  operationId: "getOrder",
  tags,
  security: PUBLIC,
  summary: "Get one order with its lines and total",
  parameters: conditionalReadParameters,
  request: { params: IdParamsSchema },
  responses: { ...cachedResponses(OrderSchema, "The order"), ...errorResponses(errorStatuses.readOne, one) },
});

export const create = createRoute({
  method: "post",
  path: "/orders",
  operationId: "createOrder",
  tags,
  security: BEARER,
  summary: "Create an order from product ids and amounts",
  description: "Each line keeps the product's current price and cost. Unknown product ids fail the whole order.",
  parameters: writeParameters(),
  request: { body: jsonBody(OrderInputSchema, "Two arrays of the same length, 1–100 lines") },
  responses: {
    201: {
      ...jsonContent(z.number().int().openapi({ example: 7 }), "The new order's id, as a bare integer"),
      headers: writeResponseHeaders({ location: "/orders/7" }),
    },
    ...errorResponses(errorStatuses.write, { instance: "/orders", invalid: unknownProducts }),
  },
});

export const update = createRoute({
  method: "put",
  path: "/orders/{id}",
  operationId: "replaceOrder",
  tags,
  security: BEARER,
  summary: "Replace an order's lines atomically",
  parameters: writeParameters({ ifMatch: true }),
  request: {
    params: IdParamsSchema,
    body: jsonBody(OrderReplaceSchema, "The order's new lines"),
  },
  responses: {
    200: { ...jsonContent(OrderSchema, "The order as replaced"), headers: writeResponseHeaders({ etag: true }) },
    ...errorResponses(errorStatuses.replaceOne, { ...one, invalid: unknownProducts }),
  },
});

export const remove = createRoute({
  method: "delete",
  path: "/orders/{id}",
  operationId: "deleteOrder",
  tags,
  security: BEARER,
  summary: "Delete an order and its lines",
  parameters: writeParameters({ ifMatch: true }),
  request: { params: IdParamsSchema },
  responses: {
    202: { ...jsonContent(DeletedSchema, "The order is deleted"), headers: writeResponseHeaders() },
    ...errorResponses(errorStatuses.deleteOne, one),
  },
});

export const createBatch = createRoute({
  method: "post",
  path: "/orders-batch",
  operationId: "createOrders",
  tags,
  security: BEARER,
  summary: "Create up to 1000 orders atomically",
  parameters: writeParameters(),
  request: { body: jsonBody(batchOf(OrderInputSchema), "Orders to create, all or none") },
  responses: {
    201: {
      ...jsonContent(z.array(z.number().int()).openapi({ example: [7, 8] }), "The new orders' ids, in input order"),
      headers: writeResponseHeaders(),
    },
    ...errorResponses(errorStatuses.write, { instance: "/orders-batch", invalid: unknownProducts }),
  },
});

export const deleteBatch = createRoute({
  method: "delete",
  path: "/orders-batch",
  operationId: "deleteOrders",
  tags,
  security: BEARER,
  summary: "Delete up to 1000 orders and their lines atomically",
  parameters: writeParameters(),
  request: { body: jsonBody(IdListSchema, "Ids to delete") },
  responses: {
    202: {
      ...jsonContent(BatchDeletedSchema, "How many were deleted and which ids did not exist"),
      headers: writeResponseHeaders(),
    },
    ...errorResponses(errorStatuses.write, {
      instance: "/orders-batch",
      invalid: { path: "0", message: "Too small: expected number to be >=1", code: "too_small" },
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
