import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { caller } from "../auth/caller";
import { isWrite } from "../lib/http";
import { log } from "../lib/log";
import { problem } from "../problems/catalogue";

// The period the limiters are declared with in wrangler.toml ([[ratelimits]]): the longest a
// refused caller waits before its count starts again.
const PERIOD_SECONDS = 60;

/**
 * Limits per caller (a valid API key, else the client's address), one limiter for reads and one
 * for writes, each off when its binding is absent: Cloudflare's Workers Rate Limiting, counted in
 * the location the Worker runs in, with no network trip. It runs before auth and before the body
 * is read, so every request counts, refused ones included: a wrong key is counted against the
 * address that sent it, and a malformed body against its caller. A limiter that fails lets the
 * request through: losing the limiter must not take the API down.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const write = isWrite(c.req.method);
  const limiter = write ? c.env.RATE_LIMIT_WRITES : c.env.RATE_LIMIT_READS;
  if (!limiter) return next();
  const { principal } = await caller(c);
  let allowed = true;
  try {
    allowed = (await limiter.limit({ key: principal })).success;
  } catch (err) {
    log.warn(c, "rate limiter unavailable; letting the request through", err);
  }
  if (!allowed) {
    throw problem("rate_limited", { writes: write, seconds: PERIOD_SECONDS });
  }
  return next();
});
