import { createRoute } from "@hono/zod-openapi";
import { errorResponses, errorStatuses } from "../problems/openapi";
import { lazily } from "../routes/crud/lazy";
import { cachedResponses, conditionalReadParameters, PUBLIC } from "../routes/crud/responses";
import { ReportQuerySchema, ReportSchema } from "./schema";

export const report = createRoute({
  method: "get",
  path: "/reports-all",
  operationId: "getReport",
  tags: ["Reports"],
  security: PUBLIC,
  summary: "Sales report over the captured line prices",
  description:
    "Products never ordered in the range are left out; products are sorted by revenue, highest first, and the first `limit` (100 by default) are listed; `totals` cover them all.",
  parameters: conditionalReadParameters,
  request: { query: ReportQuerySchema },
  responses: lazily(() => ({
    ...cachedResponses(ReportSchema, "The report"),
    ...errorResponses(errorStatuses.readQuery, {
      instance: "/reports-all",
      invalid: { path: "to", message: "must not be before from", code: "custom" },
    }),
  })),
});
