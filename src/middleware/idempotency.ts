import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { sha256Hex } from "../lib/hash";
import { isWrite } from "../lib/http";
import { log } from "../lib/log";
import { ApiError } from "../lib/problem";
import type { AppEnv } from "../lib/types";

const RECORD_TTL_SECONDS = 24 * 60 * 60;
// Long enough for any request to finish; a Worker that dies mid-request frees the key then.
const LOCK_TTL_SECONDS = 60;
// Headers a replay must carry for the client to see the same answer.
const KEPT_HEADERS = ["Content-Type", "Location", "ETag"];

type IdempotencyRecord =
  | { state: "running"; fingerprint: string }
  | { state: "done"; fingerprint: string; status: ContentfulStatusCode; headers: Record<string, string>; body: string };

// Claims the key in one round trip: answers the existing record, or stores ours and answers nil.
const CLAIM = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return false`;

const unavailable = () =>
  new ApiError(503, "Idempotency-Key needs Redis, which cannot be reached; retry shortly", {
    headers: { "Retry-After": "5" },
  });

/**
 * Idempotency-Key (IETF httpapi draft) on every write. The first completed 2xx answer is kept
 * 24 h under the key and the caller's identity; a retry with the same request gets it again
 * with `Idempotent-Replayed: true` and writes nothing. The record is written after the commit,
 * before the response. Failed answers free the key, so a corrected retry can run.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("Idempotency-Key");
  if (header === undefined || !isWrite(c.req.method)) return next();

  const key = header.trim().replace(/^"(.*)"$/, "$1");
  if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ApiError(422, "Idempotency-Key must be 1–255 visible ASCII characters", {
      errors: [{ path: "Idempotency-Key", message: "must be 1–255 visible ASCII characters", code: "invalid_format" }],
    });
  }
  // Without Redis the key cannot be honoured, and running the write anyway risks doing it twice.
  const redis = c.var.redis;
  if (!redis) throw unavailable();

  const url = new URL(c.req.url);
  const body =
    ["POST", "PUT", "PATCH"].includes(c.req.method) || c.req.header("Content-Type") ? await c.req.text() : "";
  const fingerprint = await sha256Hex(`${c.req.method} ${url.pathname}${url.search}\n${body}`);
  const recordKey = `idem:${c.var.principal}:${await sha256Hex(key)}`;

  let existing: string | null;
  try {
    existing = await redis.eval<string[], string | null>(
      CLAIM,
      [recordKey],
      [JSON.stringify({ state: "running", fingerprint } satisfies IdempotencyRecord), String(LOCK_TTL_SECONDS)],
    );
  } catch {
    throw unavailable();
  }

  if (existing) {
    const record = JSON.parse(existing) as IdempotencyRecord;
    if (record.fingerprint !== fingerprint) {
      throw new ApiError(422, "This Idempotency-Key was already used with a different request");
    }
    if (record.state === "running") {
      throw new ApiError(409, "A request with this Idempotency-Key is still being processed; retry later", {
        headers: { "Retry-After": "1" },
      });
    }
    // c.body, not a bare Response, so the headers set before (X-Request-Id, …) stay.
    return c.body(record.body, record.status, {
      ...record.headers,
      "Idempotent-Replayed": "true",
    });
  }

  await next();

  const res = c.res;
  try {
    if (res.status >= 200 && res.status < 300) {
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = res.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      const record: IdempotencyRecord = {
        state: "done",
        fingerprint,
        status: res.status as ContentfulStatusCode,
        headers,
        body: await res.clone().text(),
      };
      await redis.set(recordKey, JSON.stringify(record), { ex: RECORD_TTL_SECONDS });
    } else {
      await redis.del(recordKey);
    }
  } catch (err) {
    // The write is committed; the answer stands. A retry finds the lock until it expires.
    log.error(c, "idempotency record not written", err);
  }
});
