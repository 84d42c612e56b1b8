import { bodyEtag } from "../../lib/cache";
import type { AppRouteHandler } from "../../lib/types";
import { salesReport } from "../../services/reports";
import type { ReportRoute } from "./reports.routes";

export const report: AppRouteHandler<ReportRoute> = async (c) => {
  const { from, to } = c.req.valid("query");
  const range = { from: from ?? null, to: to ?? null };
  const figures = await salesReport(c.var.db, range);
  // Weak: two builds of the same figures differ only in generated_at, and If-None-Match should
  // still answer 304 for them.
  c.header("ETag", `W/${await bodyEtag(JSON.stringify([range, figures]))}`);
  return c.json({ generated_at: new Date().toISOString(), range, ...figures }, 200);
};
