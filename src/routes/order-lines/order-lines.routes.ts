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
  PUBLIC,
  writeParameters,
  writeResponseHeaders,
} from "../../lib/openapi";
import { batchOf, MAX_INT4, PositiveId, readOnly, Timestamp } from "../../lib/schemas";

export const OrderLineSchema = z
  .object({
    id: z.number().int().openapi({ example: 12 }),
    order_id: z.number().int().openapi({ example: 7 }),
    product_id: z.number().int().openapi({ example: 1 }),
    amount: z.number().int().openapi({ example: 5 }),
    unit_price: z.number().openapi({ example: 100 }),
    unit_cost: z.number().openapi({ example: 50 }),
    created_at: Timestamp,
  })
  .openapi("OrderLine");

const lineFields = {
  order_id: PositiveId.openapi({ example: 1 }),
  product_id: PositiveId.openapi({ example: 1 }),
  amount: z
    .number({ error: "must be an integer" })
    .int("must be an integer")
    .min(1, "must be ≥ 1")
    .max(MAX_INT4, `must be ≤ ${MAX_INT4}`)
    .openapi({ example: 5 }),
  unit_price: readOnly(z.unknown()),
  unit_cost: readOnly(z.unknown()),
  created_at: readOnly(z.unknown()),
};

export const OrderLineInputSchema = z
  .strictObject({ ...lineFields, id: readOnly(z.unknown()) })
  .openapi("OrderLineInput");

export const OrderLineReplaceSchema = z
  .strictObject({ ...lineFields, id: PositiveId.optional().openapi({ example: 1 }) })
  .openapi("OrderLineReplace");

const tags = ["Order lines"];
const one = { instance: "/orders_products/1", resource: "Order line" };
const unknownOrder = { path: "order_id", message: "Unknown order ids: 99", code: "not_found" };

export const count = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.orderLines.count)] as const,
  path: "/orders_products-count",
  operationId: "countOrderLines",
  tags,
  security: PUBLIC,
  summary: "Count order lines",
  parameters: conditionalReadParameters,
  responses: {
    ...cachedResponses(CountSchema, "The number of order lines, as a bare integer"),
    ...errorResponses(errorStatuses.read, { instance: "/orders_products-count" }),
  },
});

export const getOne = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.orderLines.one)] as const,
  path: "/orders_products/{id}",
  operationId: "getOrderLine",
  tags,
  security: PUBLIC,
  summary: "Get one order line",
  parameters: conditionalReadParameters,
  request: { params: IdParamsSchema },
  responses: {
    ...cachedResponses(OrderLineSchema, "The order line"),
    ...errorResponses(errorStatuses.readOne, one),
  },
});

export const create = createRoute({
  method: "post",
  path: "/orders_products",
  operationId: "createOrderLine",
  tags,
  security: BEARER,
  summary: "Add a line to an order",
  description: "The line keeps the product's current price and cost.",
  parameters: writeParameters(),
  request: { body: jsonBody(OrderLineInputSchema, "The new line") },
  responses: {
    201: {
      ...jsonContent(OrderLineSchema, "The created line"),
      headers: writeResponseHeaders({ location: "/orders_products/12" }),
    },
    ...errorResponses(errorStatuses.write, { instance: "/orders_products", invalid: unknownOrder }),
  },
});

export const update = createRoute({
  method: "put",
  path: "/orders_products/{id}",
  operationId: "replaceOrderLine",
  tags,
  security: BEARER,
  summary: "Replace an order line",
  description: "The captured price and cost are kept unless the product changes.",
  parameters: writeParameters({ ifMatch: true }),
  request: {
    params: IdParamsSchema,
    body: jsonBody(OrderLineReplaceSchema, "The line's new state"),
  },
  responses: {
    200: { ...jsonContent(OrderLineSchema, "The replaced line"), headers: writeResponseHeaders({ etag: true }) },
    ...errorResponses(errorStatuses.replaceOne, { ...one, invalid: unknownOrder }),
  },
});

export const remove = createRoute({
  method: "delete",
  path: "/orders_products/{id}",
  operationId: "deleteOrderLine",
  tags,
  security: BEARER,
  summary: "Delete an order line",
  parameters: writeParameters({ ifMatch: true }),
  request: { params: IdParamsSchema },
  responses: {
    202: { ...jsonContent(DeletedSchema, "The line is deleted"), headers: writeResponseHeaders() },
    ...errorResponses(errorStatuses.deleteOne, one),
  },
});

export const createBatch = createRoute({
  method: "post",
  path: "/orders_products-batch",
  operationId: "createOrderLines",
  tags,
  security: BEARER,
  summary: "Add up to 1000 lines atomically",
  parameters: writeParameters(),
  request: { body: jsonBody(batchOf(OrderLineInputSchema), "Lines to create, all or none") },
  responses: {
    201: {
      ...jsonContent(z.array(OrderLineSchema), "The created lines, in input order"),
      headers: writeResponseHeaders(),
    },
    ...errorResponses(errorStatuses.write, {
      instance: "/orders_products-batch",
      invalid: unknownOrder,
    }),
  },
});

export const deleteBatch = createRoute({
  method: "delete",
  path: "/orders_products-batch",
  operationId: "deleteOrderLines",
  tags,
  security: BEARER,
  summary: "Delete up to 1000 lines atomically",
  parameters: writeParameters(),
  request: { body: jsonBody(IdListSchema, "Ids to delete") },
  responses: {
    202: {
      ...jsonContent(BatchDeletedSchema, "How many were deleted and which ids did not exist"),
      headers: writeResponseHeaders(),
    },
    ...errorResponses(errorStatuses.write, {
      instance: "/orders_products-batch",
      invalid: { path: "0", message: "Too small: expected number to be >=1", code: "too_small" },
    }),
  },
});

export type CountRoute = typeof count;
export type GetOneRoute = typeof getOne;
export type CreateRoute = typeof create;
export type UpdateRoute = typeof update;
export type RemoveRoute = typeof remove;
export type CreateBatchRoute = typeof createBatch;
export type DeleteBatchRoute = typeof deleteBatch;
