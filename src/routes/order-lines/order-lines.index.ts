import { crudRouter } from "../crud/router";
import { handlers } from "./order-lines.handlers";
import * as routes from "./order-lines.routes";

export default crudRouter(routes, handlers);
