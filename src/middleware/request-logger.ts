import { createMiddleware } from "hono/factory";
import { setMetric } from "hono/timing";
import type { AppEnv } from "../app-env";
import { log } from "../lib/log";
import { newScope, requestScope } from "../lib/request-scope";

// Until the configuration is read (middleware/clients.ts), a database call waits this long.
const DEFAULT_DB_TIMEOUT_MS = 5_000;

/**
 * One JSON line per request, written after the response is ready, and the request's waits on the
 * database and Redis as Server-Timing metrics (the `timing` middleware around it adds the total).
 * `colo` is the data center the Worker ran in: with placement, the one next to the data.
 */
export const requestLogger = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const scope = newScope(DEFAULT_DB_TIMEOUT_MS);
  await requestScope.run(scope, next);
  if (scope.dbRoundTrips > 0) setMetric(c, "db", scope.dbMs, `${scope.dbRoundTrips} round trip(s)`);
  if (scope.redisCalls > 0) setMetric(c, "redis", scope.redisMs, `${scope.redisCalls} call(s)`);
  log.info({
    message: "request",
    request_id: c.get("requestId"),
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    status: c.res.status,
    duration_ms: Date.now() - started,
    db_round_trips: scope.dbRoundTrips,
    db_ms: Math.round(scope.dbMs),
    redis_calls: scope.redisCalls,
    redis_ms: Math.round(scope.redisMs),
    colo: (c.req.raw.cf as { colo?: string } | undefined)?.colo,
    cache: c.res.headers.get("X-Cache") ?? undefined,
  });
});
