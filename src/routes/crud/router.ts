import type { RouteConfig } from "@hono/zod-openapi";
import type { AppRouteHandler } from "../../app-env";
import { createRouter } from "../router";

/** The routes of a resource's writes and reads by id, each with its handler under the same name. */
interface CrudRoutes<C, G, N, U, D, B, X> {
  count: C;
  getOne: G;
  create: N;
  update: U;
  remove: D;
  createBatch: B;
  deleteBatch: X;
}

/**
 * A resource's router: every route of `routes` with the handler of the same name, chained so the
 * app's type (hono/client) keeps each route's types. Static paths (`-count`, `-batch`) come before
 * `/{id}`, which could otherwise take them.
 */
export function crudRouter<
  C extends RouteConfig,
  G extends RouteConfig,
  N extends RouteConfig,
  U extends RouteConfig,
  D extends RouteConfig,
  B extends RouteConfig,
  X extends RouteConfig,
>(
  routes: CrudRoutes<C, G, N, U, D, B, X>,
  // The routes decide the types; each handler is only checked against its route's.
  handlers: CrudRoutes<
    AppRouteHandler<NoInfer<C>>,
    AppRouteHandler<NoInfer<G>>,
    AppRouteHandler<NoInfer<N>>,
    AppRouteHandler<NoInfer<U>>,
    AppRouteHandler<NoInfer<D>>,
    AppRouteHandler<NoInfer<B>>,
    AppRouteHandler<NoInfer<X>>
  >,
) {
  return createRouter()
    .openapi(routes.count, handlers.count)
    .openapi(routes.create, handlers.create)
    .openapi(routes.createBatch, handlers.createBatch)
    .openapi(routes.deleteBatch, handlers.deleteBatch)
    .openapi(routes.getOne, handlers.getOne)
    .openapi(routes.update, handlers.update)
    .openapi(routes.remove, handlers.remove);
}
