import { crudRouter } from "../crud/router";
import { handlers } from "./orders.handlers";
import * as routes from "./orders.routes";

export default crudRouter(routes, handlers)
  .openapi(routes.list, handlers.list)
  .openapi(routes.listAtCollection, handlers.listAtCollection);
