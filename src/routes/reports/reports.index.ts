import { createRouter } from "../router";
import * as handlers from "./reports.handlers";
import * as routes from "./reports.routes";

const router = createRouter().openapi(routes.report, handlers.report);

export default router;
