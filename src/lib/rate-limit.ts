import type { Context } from "hono";
import { isWrite } from "./http";
import { log } from "./log";
import { ApiError } from "./problem";
import type { RedisSession } from "./redis";
import type { AppEnv } from "./types";

/**
 * Sliding-window rate limits, checked inside whichever Redis script a request runs first (the
 * cache lookup of a read, the Idempotency-Key claim of a write, else a script of its own), so
 * the limit costs no round trip of its own. Two fixed windows are counted, and the previous one
 * weighs as much as it still overlaps the sliding window: the usual approximation, exact at the
 * window's edges.
 */

export const WINDOW_SECONDS = 60;

export interface RateCheck {
  policy: "reads" | "writes";
  limit: number;
  /** The current and the previous window's counters. */
  keys: [string, string];
  /** The share of the previous window still inside the sliding window, 0 … 1. */
  weight: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

/** The check a request owes, or undefined when its kind of request is not limited. */
export function rateCheckFor(c: Context<AppEnv>): RateCheck | undefined {
  const write = isWrite(c.req.method);
  const limit = write ? c.var.config.RATE_LIMIT_WRITES_PER_MINUTE : c.var.config.RATE_LIMIT_READS_PER_MINUTE;
  if (!limit) return undefined;
  const policy = write ? "writes" : "reads";
  const windowMs = WINDOW_SECONDS * 1000;
  const now = Date.now();
  const window = Math.floor(now / windowMs);
  const key = (w: number) => `ratelimit:${policy}:${c.var.principal}:${w}`;
  return {
    policy,
    limit,
    keys: [key(window), key(window - 1)],
    weight: 1 - (now % windowMs) / windowMs,
    resetSeconds: Math.ceil((windowMs - (now % windowMs)) / 1000),
  };
}

/**
 * Lua that counts the request in KEYS[k], KEYS[k+1] with ARGV[a] (limit), ARGV[a+1] (weight),
 * ARGV[a+2] (window ms), and leaves `limited` and `remaining` for the rest of the script.
 */
export function rateLimitLua(k: number, a: number): string {
  return `local limited, remaining = false, -1
if ARGV[${a}] ~= '' then
  local cap = tonumber(ARGV[${a}])
  local count = math.floor(tonumber(redis.call('GET', KEYS[${k + 1}]) or '0') * tonumber(ARGV[${a + 1}]))
    + tonumber(redis.call('GET', KEYS[${k}]) or '0')
  if count >= cap then
    limited, remaining = true, 0
  else
    redis.call('INCR', KEYS[${k}])
    redis.call('PEXPIRE', KEYS[${k}], tonumber(ARGV[${a + 2}]) * 2)
    remaining = cap - count - 1
  end
end`;
}

/** The keys and arguments `rateLimitLua` reads; empty arguments when there is no check. */
export function rateLimitArgs(check: RateCheck | undefined, keysIfNone: [string, string]) {
  return check
    ? { keys: check.keys, args: [String(check.limit), String(check.weight), String(WINDOW_SECONDS * 1000)] }
    : { keys: keysIfNone, args: ["", "", ""] };
}

/**
 * What a script said of the check: 429 when over the limit, else the RateLimit headers the
 * answer carries (IETF httpapi draft).
 */
export function rateOutcome(check: RateCheck, limited: boolean, remaining: number): Record<string, string> {
  const headers = {
    "RateLimit-Policy": `"${check.policy}";q=${check.limit};w=${WINDOW_SECONDS}`,
    RateLimit: `"${check.policy}";r=${Math.max(0, remaining)};t=${check.resetSeconds}`,
  };
  if (limited) {
    throw new ApiError(
      429,
      `Rate limit of ${check.limit} ${check.policy} per minute reached; retry after ${check.resetSeconds} s`,
      { headers: { ...headers, "Retry-After": String(Math.max(1, check.resetSeconds)) } },
    );
  }
  return headers;
}

const CHECK = `${rateLimitLua(1, 1)}
return {limited and 1 or 0, remaining}`;

/** The check in a script of its own, for requests that run no other Redis script first. */
export async function checkAlone(
  c: Context<AppEnv>,
  redis: RedisSession,
  check: RateCheck,
): Promise<Record<string, string> | undefined> {
  const { keys, args } = rateLimitArgs(check, check.keys);
  let answer: [number, number];
  try {
    answer = await redis.run((r) => r.eval<string[], [number, number]>(CHECK, keys, args));
  } catch (err) {
    log.warn(c, "rate limiter unavailable; letting the request through", err);
    return undefined;
  }
  return rateOutcome(check, answer[0] === 1, answer[1]);
}
