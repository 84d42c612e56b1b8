import type { AppRouteHandler } from "../app-env";
import * as crud from "../routes/crud/handlers";
import type * as routes from "./routes";
import type { ProductFields } from "./schema";
import * as service from "./sql";

// What a write sets; the rest of a body is read-only or checked against the path.
const fields = ({ product_name, price, cost, stock }: ProductFields): ProductFields => ({
  product_name,
  price,
  cost,
  stock,
});

// Typed by its route, so the route's path and types reach AppType.
const list: AppRouteHandler<typeof routes.list> = crud.listHandler("product", service.list);

export const handlers = {
  ...crud.crudHandlers(service, { resource: "product", fields }),
  list,
};
