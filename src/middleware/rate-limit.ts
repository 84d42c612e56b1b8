import { createMiddleware } from "hono/factory";
import { routeIsCached } from "../cache/read-through";
import { isWrite } from "../lib/http";
import { checkAlone, rateCheckFor } from "../lib/rate-limit";
import type { AppEnv } from "../lib/types";

/**
 * Sliding-window limits per caller (API key, else client IP), one for reads and one for
 * writes, off when unset. Answers carry RateLimit-Policy / RateLimit (IETF httpapi draft);
 * 429 adds Retry-After. A cached read and a write with an Idempotency-Key count themselves in the
 * Redis script they run anyway (left in `c.var.rateCheck`); any other request runs the check
 * here. When Redis is unreachable the request goes through: losing the limiter must not take the
 * API down.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const redis = c.var.redis;
  const check = redis?.available ? rateCheckFor(c) : undefined;
  if (!redis || !check) return next();
  const folded =
    (c.req.method === "GET" && routeIsCached(c)) ||
    (isWrite(c.req.method) && c.req.header("Idempotency-Key") !== undefined);
  if (folded) c.set("rateCheck", check);
  else c.set("rateHeaders", await checkAlone(c, redis, check));
  await next();
  for (const [name, value] of Object.entries(c.var.rateHeaders ?? {})) c.res.headers.set(name, value);
});
