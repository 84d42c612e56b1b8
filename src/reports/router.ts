import { createRouter } from "../routes/router";
import * as handlers from "./handlers";
import * as routes from "./routes";

const router = createRouter().openapi(routes.report, handlers.report);

export default router;
