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
  READ_ERRORS,
  WRITE_ERRORS,
  WriteResponseHeaders,
  writeHeaders,
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
  order_id: PositiveId.openapi({ example: 7 }),
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
  .strictObject({ ...lineFields, id: PositiveId.optional().openapi({ example: 12 }) })
  .openapi("OrderLineReplace");

const tags = ["Order lines"];
const security = [{ bearerAuth: [] }];

export const count = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.orderLines.count)] as const,
  path: "/orders_products-count",
  tags,
  summary: "Count order lines",
  request: { headers: ConditionalReadHeaders },
  responses: {
    ...cachedResponses(CountSchema, "The number of order lines, as a bare integer"),
    ...errorResponses(...READ_ERRORS),
  },
});

export const getOne = createRoute({
  method: "get",
  middleware: [cached(CACHE_TAGS.orderLines.one)] as const,
  path: "/orders_products/{id}",
  tags,
  summary: "Get one order line",
  request: { headers: ConditionalReadHeaders, params: IdParamsSchema },
  responses: { ...cachedResponses(OrderLineSchema, "The order line"), ...errorResponses(404, 422, ...READ_ERRORS) },
});

export const create = createRoute({
  method: "post",
  path: "/orders_products",
  tags,
  security,
  summary: "Add a line to an order",
  description: "The line keeps the product's current price and cost.",
  request: { headers: writeHeaders(), body: jsonBody(OrderLineInputSchema, "The new line") },
  responses: {
    201: {
      ...jsonContent(OrderLineSchema, "The created line"),
      headers: z.object({ Location: z.string().openapi({ example: "/orders_products/12" }), ...WriteResponseHeaders }),
    },
    ...errorResponses(...WRITE_ERRORS),
  },
});

export const update = createRoute({
  method: "put",
  path: "/orders_products/{id}",
  tags,
  security,
  summary: "Replace an order line",
  description: "The captured price and cost are kept unless the product changes.",
  request: {
    headers: writeHeaders({ ifMatch: true }),
    params: IdParamsSchema,
    body: jsonBody(OrderLineReplaceSchema, "The line's new state"),
  },
  responses: {
    200: { ...jsonContent(OrderLineSchema, "The replaced line"), headers: z.object(WriteResponseHeaders) },
    ...errorResponses(404, 412, ...WRITE_ERRORS),
  },
});

export const remove = createRoute({
  method: "delete",
  path: "/orders_products/{id}",
  tags,
  security,
  summary: "Delete an order line",
  request: { headers: writeHeaders({ ifMatch: true }), params: IdParamsSchema },
  responses: {
    202: { ...jsonContent(DeletedSchema, "The line is deleted"), headers: z.object(WriteResponseHeaders) },
    ...errorResponses(404, 412, ...WRITE_ERRORS),
  },
});

export const createBatch = createRoute({
  method: "post",
  path: "/orders_products-batch",
  tags,
  security,
  summary: "Add up to 1000 lines atomically",
  request: { headers: writeHeaders(), body: jsonBody(batchOf(OrderLineInputSchema), "Lines to create, all or none") },
  responses: {
    201: {
      ...jsonContent(z.array(OrderLineSchema), "The created lines, in input order"),
      headers: z.object(WriteResponseHeaders),
    },
    ...errorResponses(...WRITE_ERRORS),
  },
});

export const deleteBatch = createRoute({
  method: "delete",
  path: "/orders_products-batch",
  tags,
  security,
  summary: "Delete up to 1000 lines atomically",
  request: { headers: writeHeaders(), body: jsonBody(IdListSchema, "Ids to delete") },
  responses: {
    202: {
      ...jsonContent(BatchDeletedSchema, "How many were deleted and which ids did not exist"),
      headers: z.object(WriteResponseHeaders),
    },
    ...errorResponses(...WRITE_ERRORS),
  },
});

export type CountRoute = typeof count;
export type GetOneRoute = typeof getOne;
export type CreateRoute = typeof create;
export type UpdateRoute = typeof update;
export type RemoveRoute = typeof remove;
export type CreateBatchRoute = typeof createBatch;
export type DeleteBatchRoute = typeof deleteBatch;
