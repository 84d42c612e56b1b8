import type { AppRouteHandler } from "../app-env";
import { CACHE_TAGS } from "../cache/tags";
import { read } from "../pipelines/read";
import { sendJson } from "../pipelines/respond";
import type { report as ReportRoute } from "./routes";
import { salesReport } from "./sql";

export const report: AppRouteHandler<typeof ReportRoute> = async (c) => {
  const query = c.req.valid("query");
  const { from, to, limit } = query;
  return read(c, CACHE_TAGS.report.sales, query, async () => {
    const report = await salesReport(c.var.db, { from: from ?? null, to: to ?? null }, limit);
    // Weak: two builds of the same figures differ only in generated_at, and If-None-Match should
    // still answer 304 for them.
    return sendJson(c, report.body, 200, { ETag: `W/"${report.version}"` });
  });
};
