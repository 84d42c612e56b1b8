import type { Context, MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import type { CorsPolicy } from "../lib/cors-policy";

const READ_METHODS = ["GET", "HEAD"];
export const WRITE_METHODS = ["POST", "PUT", "DELETE"];
const ALLOWED_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match"];
const EXPOSED_HEADERS = [
  "ETag",
  "Location",
  "Link",
  "X-Request-Id",
  "X-Cache",
  "Retry-After",
  "Idempotent-Replayed",
  "Server-Timing",
];
/** Chromium's cap; browsers repeat a preflight at most this often per URL. */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

const common = { allowHeaders: ALLOWED_HEADERS, exposeHeaders: EXPOSED_HEADERS, maxAge: PREFLIGHT_MAX_AGE_SECONDS };
// A named origin reads and writes; its own origin is echoed back.
const namedOrigin = honoCors({
  ...common,
  origin: (origin) => origin,
  allowMethods: [...READ_METHODS, ...WRITE_METHODS],
});
// `*` lets any origin read, and only read.
const anyOrigin = honoCors({ ...common, origin: "*", allowMethods: READ_METHODS });

/** The middleware that answers this request, or undefined when it gets no CORS headers. */
function corsFor(c: Context<AppEnv>, policy: CorsPolicy, preflight: boolean): MiddlewareHandler | undefined {
  const origin = c.req.header("Origin");
  // An OPTIONS without Access-Control-Request-Method is no preflight (hono/cors would answer it as
  // one), and no browser sends it to this API: it goes on, to the 405 every unknown method gets.
  if (!origin || (c.req.method === "OPTIONS" && !preflight)) return undefined;
  if (policy.origins.has(origin)) return namedOrigin;
  const method =
    c.req.method === "OPTIONS" ? (c.req.header("Access-Control-Request-Method") ?? "") : c.req.method.toUpperCase();
  return policy.anyOriginReads && READ_METHODS.includes(method) ? anyOrigin : undefined;
}

/**
 * CORS for browser clients, from CORS_ORIGINS. Runs before the database and Redis clients,
 * auth and rate limits: a preflight is answered here (204) and costs no round trip. A preflight
 * the policy refuses gets a bare 204, and the browser then blocks the call.
 */
export const cors = createMiddleware<AppEnv>(async (c, next) => {
  const policy = loadConfig(c.env).CORS_ORIGINS;
  if (!policy) return next();
  const preflight = c.req.method === "OPTIONS" && c.req.header("Access-Control-Request-Method") !== undefined;
  const handler = corsFor(c, policy, preflight);
  // Answers differ by Origin, so a shared cache must keep them apart (hono/cors says so itself
  // when it echoes the origin).
  if (handler !== namedOrigin) c.header("Vary", "Origin", { append: true });
  if (handler) return handler(c, next);
  if (preflight) return c.body(null, 204);
  return next();
});

/**
 * Who may read the Server-Timing of this answer (Timing-Allow-Origin): the origin that may read
 * the answer itself under CORS_ORIGINS, else nobody but the API's own origin.
 */
export function timingAllowOrigin(c: Context<AppEnv>): string | false {
  let policy: CorsPolicy | undefined;
  try {
    policy = loadConfig(c.env).CORS_ORIGINS;
  } catch {
    // A broken configuration already answered 500; its timings stay private.
    return false;
  }
  const handler = policy ? corsFor(c, policy, false) : undefined;
  if (handler === namedOrigin) return c.req.header("Origin") ?? false;
  return handler === anyOrigin ? "*" : false;
}
