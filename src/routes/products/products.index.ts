import { crudRouter } from "../crud/router";
import { handlers } from "./products.handlers";
import * as routes from "./products.routes";

export default crudRouter(routes, handlers).openapi(routes.list, handlers.list);
