import { z } from "@hono/zod-openapi";
import * as crud from "../routes/crud/crud-routes";
import { fastOrderLineInput } from "./fast-check";
import { OrderLineInputSchema, OrderLineReplaceSchema, OrderLineSchema } from "./schema";

// Order lines keep the old service's path, /orders_products.
const doc: crud.ResourceDoc = { tag: "Order lines", resource: "order_line" };
const unknownOrder = { path: "order_id", message: "Unknown order ids: 99", code: "not_found" };

export const count = crud.countRoute(doc, {
  path: "/orders_products-count",
  operationId: "countOrderLines",
  summary: "Count order lines",
  noun: "order lines",
});

export const getOne = crud.getOneRoute(doc, {
  path: "/orders_products/{id}",
  operationId: "getOrderLine",
  summary: "Get one order line",
  schema: OrderLineSchema,
});

export const create = crud.createOneRoute(doc, {
  path: "/orders_products",
  operationId: "createOrderLine",
  summary: "Add a line to an order",
  description: "The line keeps the product's current price and cost.",
  body: OrderLineInputSchema,
  bodyDescription: "The new line",
  answer: OrderLineSchema,
  answered: "The created line",
  invalid: unknownOrder,
});

export const update = crud.replaceRoute(doc, {
  path: "/orders_products/{id}",
  operationId: "replaceOrderLine",
  summary: "Replace an order line",
  description: "The captured price and cost are kept unless the product changes.",
  body: OrderLineReplaceSchema,
  bodyDescription: "The line's new state",
  answer: OrderLineSchema,
  invalid: unknownOrder,
});

export const remove = crud.deleteOneRoute(doc, {
  path: "/orders_products/{id}",
  operationId: "deleteOrderLine",
  summary: "Delete an order line",
});

export const createBatch = crud.createBatchRoute(doc, {
  path: "/orders_products-batch",
  operationId: "createOrderLines",
  summary: "Add up to 1000 lines atomically",
  item: OrderLineInputSchema,
  fastItem: fastOrderLineInput,
  noun: "Lines",
  answer: z.array(OrderLineSchema),
  answered: "The created lines, in input order",
  invalid: unknownOrder,
});

export const deleteBatch = crud.deleteBatchRoute(doc, {
  path: "/orders_products-batch",
  operationId: "deleteOrderLines",
  summary: "Delete up to 1000 lines atomically",
});
