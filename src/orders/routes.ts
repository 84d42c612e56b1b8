import { z } from "@hono/zod-openapi";
import * as crud from "../routes/crud/crud-routes";
import { fastOrderInput } from "./fast-check";
import { batchLinesFit, MAX_BATCH_LINES, OrderInputSchema, OrderReplaceSchema, OrderSchema } from "./schema";

const doc: crud.ResourceDoc = { tag: "Orders", resource: "order" };
const unknownProducts = { path: "product_ids", message: "Unknown product ids: 98, 99", code: "not_found" };

export const list = crud.listRoute(doc, {
  path: "/orders-list",
  operationId: "listOrders",
  summary: "List orders with their lines, by id",
  description: "The old service's path for the list; `GET /orders` answers the same.",
  item: OrderSchema,
  noun: "orders",
});

// The list at the collection's own path, beside `POST /orders`: the same reads, cached alike.
export const listAtCollection = crud.listRoute(doc, {
  path: "/orders",
  operationId: "getOrders",
  summary: "List orders with their lines, by id",
  description: "The same list as `GET /orders-list`, at the path where orders are created.",
  item: OrderSchema,
  noun: "orders",
});

export const count = crud.countRoute(doc, {
  path: "/orders-count",
  operationId: "countOrders",
  summary: "Count orders",
  noun: "orders",
});

export const getOne = crud.getOneRoute(doc, {
  path: "/orders/{id}",
  operationId: "getOrder",
  summary: "Get one order with its lines and total",
  schema: OrderSchema,
});

export const create = crud.createOneRoute(doc, {
  path: "/orders",
  operationId: "createOrder",
  summary: "Create an order from product ids and amounts",
  description: "Each line keeps the product's current price and cost. Unknown product ids fail the whole order.",
  body: OrderInputSchema,
  bodyDescription: "Two arrays of the same length, 1–100 lines",
  answer: z.number().int().openapi({ example: 7 }),
  answered: "The new order's id, as a bare integer",
  invalid: unknownProducts,
});

export const update = crud.replaceRoute(doc, {
  path: "/orders/{id}",
  operationId: "replaceOrder",
  summary: "Replace an order's lines atomically",
  body: OrderReplaceSchema,
  bodyDescription: "The order's new lines",
  answer: OrderSchema,
  invalid: unknownProducts,
});

export const remove = crud.deleteOneRoute(doc, {
  path: "/orders/{id}",
  operationId: "deleteOrder",
  summary: "Delete an order and its lines",
});

export const createBatch = crud.createBatchRoute(doc, {
  path: "/orders-batch",
  operationId: "createOrders",
  summary: "Create up to 1000 orders atomically",
  description: `At most ${MAX_BATCH_LINES} lines in all, so that one request stays within ~10 ms of Worker CPU.`,
  item: OrderInputSchema,
  fastItem: fastOrderInput,
  noun: "Orders",
  answer: z.array(z.number().int()).openapi({ example: [7, 8] }),
  answered: "The new orders' ids, in input order",
  invalid: unknownProducts,
  whole: { fits: batchLinesFit, message: `must hold at most ${MAX_BATCH_LINES} lines in all` },
});

export const deleteBatch = crud.deleteBatchRoute(doc, {
  path: "/orders-batch",
  operationId: "deleteOrders",
  summary: "Delete up to 1000 orders and their lines atomically",
});
