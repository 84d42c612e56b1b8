import { createRouter } from "../../lib/create-app";
import * as handlers from "./products.handlers";
import * as routes from "./products.routes";

// Static paths (/products-count, /products-batch) do not share a prefix segment with
// /products/{id}, so registration order cannot make the parameter swallow them.
const router = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.count, handlers.count)
  .openapi(routes.create, handlers.create)
  .openapi(routes.createBatch, handlers.createBatch)
  .openapi(routes.deleteBatch, handlers.deleteBatch)
  .openapi(routes.getOne, handlers.getOne)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove);

export default router;
