import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis/cloudflare";
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

// One limiter per Redis client, policy and limit, built once per isolate.
const limiters = new WeakMap<Redis, Map<string, Ratelimit>>();

function limiterFor(redis: Redis, policy: "reads" | "writes", perMinute: number, timeoutMs: number): Ratelimit {
  let byPolicy = limiters.get(redis);
  if (!byPolicy) {
    byPolicy = new Map();
    limiters.set(redis, byPolicy);
  }
  const name = `${policy}:${perMinute}`;
  let limiter = byPolicy.get(name);
  if (!limiter) {
    limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(perMinute, `${WINDOW_SECONDS} s`),
      prefix: `ratelimit:${policy}`,
      ephemeralCache: blocked,
      timeout: timeoutMs,
      analytics: false,
    });
    byPolicy.set(name, limiter);
  }
  return limiter;
}

/**
 * Sliding-window limits per caller (API key, else client IP), one for reads and one for
 * writes, off when unset. Answers carry RateLimit-Policy / RateLimit (IETF httpapi draft);
 * 429 adds Retry-After. When Redis is unreachable the request goes through: losing the
 * limiter must not take the API down, and a time-out here spends the request's Redis budget.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const redis = c.var.redis;
  const write = isWrite(c.req.method);
  const perMinute = write ? c.var.config.RATE_LIMIT_WRITES_PER_MINUTE : c.var.config.RATE_LIMIT_READS_PER_MINUTE;
  if (!redis?.available || !perMinute) return next();

  const policy = write ? "writes" : "reads";
  if (blocked.size > MAX_BLOCKED) blocked.clear();
  const limiter = limiterFor(redis.client, policy, perMinute, c.var.config.REDIS_TIMEOUT_MS);

  let result: Awaited<ReturnType<Ratelimit["limit"]>>;
  try {
    result = await redis.run(() => limiter.limit(c.var.principal));
  } catch (err) {
    log.warn(c, "rate limiter unavailable; letting the request through", err);
    return next();
  }
  if (result.reason === "timeout") {
    redis.failed();
    log.warn(c, "rate limiter timed out; letting the request through");
    return next();
  }
  const resetSeconds = Math.max(0, Math.ceil((result.reset - Date.now()) / 1000));
  const headers = {
    "RateLimit-Policy": `"${policy}";q=${perMinute};w=${WINDOW_SECONDS}`,
    RateLimit: `"${policy}";r=${Math.max(0, result.remaining)};t=${resetSeconds}`,
  };
  if (!result.success) {
    throw new ApiError(429, `Rate limit of ${perMinute} ${policy} per minute reached; retry after ${resetSeconds} s`, {
      headers: { ...headers, "Retry-After": String(Math.max(1, resetSeconds)) },
    });
  }
  await next();
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
});
