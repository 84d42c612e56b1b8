import { crudRouter } from "../routes/crud/router";
import { handlers } from "./handlers";
import * as routes from "./routes";

export default crudRouter(routes, handlers).openapi(routes.list, handlers.list);
