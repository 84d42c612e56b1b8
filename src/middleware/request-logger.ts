import { createMiddleware } from "hono/factory";
import { log } from "../lib/log";
import { type RequestScope, requestScope } from "../lib/request-scope";
import type { AppEnv } from "../lib/types";

/** One JSON line per request, written after the response is ready. */
export const requestLogger = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const scope: RequestScope = { dbRoundTrips: 0 };
  await requestScope.run(scope, next);
  log.info({
    message: "request",
    request_id: c.get("requestId"),
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    status: c.res.status,
    duration_ms: Date.now() - started,
    db_round_trips: scope.dbRoundTrips,
    cache: c.res.headers.get("X-Cache") ?? undefined,
  });
});
