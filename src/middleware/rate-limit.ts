import { Ratelimit } from "@upstash/ratelimit";
import { createMiddleware } from "hono/factory";
import { isWrite } from "../lib/http";
import { log } from "../lib/log";
import { ApiError } from "../lib/problem";
import type { AppEnv } from "../lib/types";

const WINDOW_SECONDS = 60;

// Blocked callers are remembered in the isolate, which spares Redis their retries. The library
// drops an entry only when its caller comes back, so the map is bounded here.
const blocked = new Map<string, number>();
const MAX_BLOCKED = 10_000;

/**
 * Sliding-window limits per caller (API key, else client IP), one for reads and one for
 * writes, off when unset. Answers carry RateLimit-Policy / RateLimit (IETF httpapi draft);
 * 429 adds Retry-After. When Redis is unreachable the request goes through: losing the
 * limiter must not take the API down.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const redis = c.var.redis;
  const write = isWrite(c.req.method);
  const perMinute = write ? c.var.config.RATE_LIMIT_WRITES_PER_MINUTE : c.var.config.RATE_LIMIT_READS_PER_MINUTE;
  if (!redis || !perMinute) return next();

  const policy = write ? "writes" : "reads";
  if (blocked.size > MAX_BLOCKED) blocked.clear();
  const limiter = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(perMinute, `${WINDOW_SECONDS} s`),
    prefix: `ratelimit:${policy}`,
    ephemeralCache: blocked,
    timeout: 200,
    analytics: false,
  });

  let result: Awaited<ReturnType<Ratelimit["limit"]>>;
  try {
    result = await limiter.limit(c.var.principal);
  } catch (err) {
    log.error(c, "rate limiter unavailable; letting the request through", err);
    return next();
  }
  const resetSeconds = Math.max(0, Math.ceil((result.reset - Date.now()) / 1000));
  const headers = {
    "RateLimit-Policy": `"${policy}";q=${perMinute};w=${WINDOW_SECONDS}`,
    RateLimit: `"${policy}";r=${Math.max(0, result.remaining)};t=${resetSeconds}`,
  };
  if (!result.success && result.reason !== "timeout") {
    throw new ApiError(429, `Rate limit of ${perMinute} ${policy} per minute reached; retry after ${resetSeconds} s`, {
      headers: { ...headers, "Retry-After": String(Math.max(1, resetSeconds)) },
    });
  }
  await next();
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
});
