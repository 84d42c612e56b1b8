import { createRouter } from "../router";
import * as handlers from "./root.handlers";
import * as routes from "./root.routes";

const router = createRouter().openapi(routes.hello, handlers.hello).openapi(routes.health, handlers.health);

export default router;
