import type { AppRouteHandler } from "../../lib/types";
import { salesReport } from "../../services/reports";
import type { ReportRoute } from "./reports.routes";

export const report: AppRouteHandler<ReportRoute> = async (c) => {
  const { from, to } = c.req.valid("query");
  const range = { from: from ?? null, to: to ?? null };
  const figures = await salesReport(c.var.db, range);
  return c.json({ generated_at: new Date().toISOString(), range, ...figures }, 200);
};
