import { createMiddleware } from "hono/factory";
import { log } from "../lib/log";
import { type RequestScope, requestScope } from "../lib/request-scope";
import type { AppEnv } from "../lib/types";

// Until the configuration is read (middleware/clients.ts), a database call waits this long.
const DEFAULT_DB_TIMEOUT_MS = 5_000;

/** One JSON line per request, written after the response is ready. */
export const requestLogger = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const scope: RequestScope = { dbRoundTrips: 0, dbTimeoutMs: DEFAULT_DB_TIMEOUT_MS };
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
