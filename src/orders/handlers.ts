import type { AppRouteHandler } from "../app-env";
import * as crud from "../routes/crud/handlers";
import type * as routes from "./routes";
import type { OrderLinesInput } from "./schema";
import * as service from "./sql";

// What a write sets: the lines, as two arrays; the rest of a body is read-only or the path's id.
const lines = ({ product_ids, amounts }: OrderLinesInput): OrderLinesInput => ({ product_ids, amounts });

// Typed by its route, so the route's path and types reach AppType.
const list: AppRouteHandler<typeof routes.list> = crud.listHandler("order", service.list);
const listAtCollection: AppRouteHandler<typeof routes.listAtCollection> = crud.listHandler("order", service.list);

export const handlers = {
  ...crud.crudHandlers(service, { resource: "order", fields: lines }),
  list,
  listAtCollection,
};
