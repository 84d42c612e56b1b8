import { sql } from "drizzle-orm";
import type { AppRouteHandler } from "../../lib/types";
import type { HealthRoute, HelloRoute } from "./root.routes";

export const hello: AppRouteHandler<HelloRoute> = (c) => c.json({ message: "Hello, World!" }, 200);

export const health: AppRouteHandler<HealthRoute> = async (c) => {
  const redis = c.var.redis;
  const [database, cache] = await Promise.all([
    c.var.db.execute(sql`select 1`).then(
      () => "ok" as const,
      () => "unreachable" as const,
    ),
    redis
      ? redis.ping().then(
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
