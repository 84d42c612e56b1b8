import { sql } from "drizzle-orm";
import type { AppRouteHandler } from "../../app-env";
import { tightenDbDeadline } from "../../lib/request-scope";
import type { HealthRoute, HelloRoute } from "./root.routes";

export const hello: AppRouteHandler<HelloRoute> = (c) => c.json({ message: "Hello, World!" }, 200);

// A health check that waits as long as a request would tells a load balancer nothing in time.
const HEALTH_DB_TIMEOUT_MS = 2_000;

export const health: AppRouteHandler<HealthRoute> = async (c) => {
  tightenDbDeadline(HEALTH_DB_TIMEOUT_MS);
  const redis = c.var.redis;
  const [database, cache] = await Promise.all([
    c.var.db.execute(sql`select 1`).then(
      () => "ok" as const,
      () => "unreachable" as const,
    ),
    redis
      ? redis
          .run((r) => r.ping())
          .then(
            () => "ok" as const,
            () => "unreachable" as const,
          )
      : Promise.resolve("disabled" as const),
  ]);
  const checks = { database, cache };
  if (database !== "ok") {
    c.header("Retry-After", "5");
    return c.json({ status: "down" as const, checks }, 503);
  }
  return c.json({ status: cache === "unreachable" ? ("degraded" as const) : ("ok" as const), checks }, 200);
};
