import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { dbFor } from "../db/client";
import { loadConfig } from "../env";
import { isWrite } from "../lib/http";
import { redisSession } from "../lib/redis";
import { requestScope } from "../lib/request-scope";

/**
 * Puts the request's configuration and clients on `c.var` (the only values middleware hands on),
 * so handlers never construct one, and
 * tells the database client where this request's SQL goes and how long it may wait.
 */
export const clients = createMiddleware<AppEnv>(async (c, next) => {
  const config = loadConfig(c.env);
  const scope = requestScope.getStore();
  if (scope) {
    scope.neonEndpoint = config.NEON_FETCH_ENDPOINT;
    scope.dbTimeoutMs = isWrite(c.req.method) ? config.DB_WRITE_TIMEOUT_MS : config.DB_TIMEOUT_MS;
  }
  const db = dbFor(config.DATABASE_URL);
  c.set("config", config);
  c.set("db", db);
  c.set("redis", redisSession(config));
  await next();
});
