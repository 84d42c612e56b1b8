import type { AppRouteHandler } from "../../lib/types";
import type { OrderLinesInput } from "../../schemas/orders";
import * as service from "../../services/orders";
import * as crud from "../crud/handlers";
import type * as routes from "./orders.routes";

// What a write sets: the lines, as two arrays; the rest of a body is read-only or the path's id.
const lines = ({ product_ids, amounts }: OrderLinesInput): OrderLinesInput => ({ product_ids, amounts });

// Typed by its route, so the route's path and types reach AppType.
const list: AppRouteHandler<typeof routes.list> = crud.listHandler(service.list);
const listAtCollection: AppRouteHandler<typeof routes.listAtCollection> = crud.listHandler(service.list);

export const handlers = {
  ...crud.crudHandlers(service, { resource: "order", fields: lines }),
  list,
  listAtCollection,
};
