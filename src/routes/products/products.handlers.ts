import type { AppRouteHandler } from "../../lib/types";
import type { ProductFields } from "../../schemas/products";
import * as service from "../../services/products";
import * as crud from "../crud/handlers";
import type * as routes from "./products.routes";

// What a write sets; the rest of a body is read-only or checked against the path.
const fields = ({ product_name, price, cost, stock }: ProductFields): ProductFields => ({
  product_name,
  price,
  cost,
  stock,
});

// Typed by its route, so the route's path and types reach AppType.
const list: AppRouteHandler<typeof routes.list> = crud.listHandler(service.list);

export const handlers = {
  ...crud.crudHandlers(service, { resource: "product", fields }),
  list,
};
