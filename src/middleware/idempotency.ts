import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { OutcomeUnknownError } from "../db/unit-of-work";
import { StoredAnswerSchema } from "../lib/db-errors";
import { sha256Hex } from "../lib/hash";
import { isWrite } from "../lib/http";
import { log } from "../lib/log";
import { ApiError } from "../lib/problem";
import { checkAlone, rateLimitArgs, rateLimitLua, rateOutcome } from "../lib/rate-limit";
import { type Answer, sendReplay } from "../lib/respond";
import type { AppEnv } from "../lib/types";
import { claimKey, KEY_TTL_HOURS, type KeyClaim, sealKey } from "../services/idempotency-keys";

// A retry while the first request runs gets 409 from Redis; the mark outlives any write's
// deadline by this much. Past it (a Worker that died, a record Redis could not store), or
// without Redis, a retry goes to Postgres, which waits for the first transaction or replays it.
const RUNNING_MARGIN_SECONDS = 5;
const RECORD_TTL_SECONDS = KEY_TTL_HOURS * 60 * 60;

/**
 * The key's record in Redis, a fast path in front of Postgres: "running" while the first request
 * is in flight, "done" with its answer, "unknown" when its outcome is unknown (then the next
 * try goes to Postgres, which knows).
 */
const FastRecordSchema = z.discriminatedUnion("state", [
  z.object({ state: z.enum(["running", "unknown"]), fingerprint: z.string() }),
  StoredAnswerSchema.extend({ state: z.literal("done"), fingerprint: z.string() }),
]);
type FastRecord = z.infer<typeof FastRecordSchema>;

const successStatus = (status: number): Answer["status"] | undefined =>
  status === 200 || status === 201 || status === 202 ? status : undefined;

// Claims the key in one round trip, after the caller's rate limit (KEYS[2..3]): answers the
// existing record, or stores ours and answers nil. A record whose outcome is unknown is taken
// over by a try of the same request.
const CLAIM = `${rateLimitLua(2, 4)}
if limited then return {1, 0, false} end
local existing = redis.call('GET', KEYS[1])
if existing then
  local ok, record = pcall(cjson.decode, existing)
  if not (ok and record.state == 'unknown' and record.fingerprint == ARGV[3]) then return {0, remaining, existing} end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return {0, remaining, false}`;

const invalidKey = () =>
  new ApiError(422, "Idempotency-Key must be 1–255 visible ASCII characters", {
    errors: [{ path: "Idempotency-Key", message: "must be 1–255 visible ASCII characters", code: "invalid_format" }],
  });

/** JSON with its object keys sorted, so the same fields in another order are the same request. */
function canonical(text: string): string {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, x]) => [k, sortKeys(x)]),
          )
        : v;
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text;
  }
}

function answerOf(res: Response, status: Answer["status"], body: string): Answer {
  return {
    status,
    body,
    etag: res.headers.get("ETag")?.replace(/^"|"$/g, "") ?? null,
    location: res.headers.get("Location"),
  };
}

/**
 * Leaves the key's record for the write's Redis epilogue (cache/after-write.ts), which sends it
 * with the cache bump in one round trip; best effort, as Postgres holds the truth either way.
 */
function remember(c: Context<AppEnv>, recordKey: string, record: FastRecord | null, ttlSeconds: number) {
  c.set("keyRecord", { key: recordKey, value: record ? JSON.stringify(record) : null, ttlSeconds });
}

/**
 * Idempotency-Key (IETF httpapi draft) on every write: one key, at most one committed write, and
 * every retry eventually gets the first outcome. The key is claimed by the first statement of the
 * write's own batch and the answer stored by its last (services/idempotency-keys.ts), so the write
 * and its key commit or roll back together, whatever fails around them. Redis remembers the
 * answer too, so most retries are answered without the database, and answers 409 while the first
 * request runs. A failed write leaves the key free for a corrected retry; a write whose outcome is
 * unknown leaves it held, and its retry learns the outcome from Postgres.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("Idempotency-Key");
  if (header === undefined || !isWrite(c.req.method)) return next();

  const key = header.trim().replace(/^"(.*)"$/, "$1");
  if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    // No claim will run, so the limit it would have counted is counted on its own.
    const rate = c.var.rateCheck;
    if (rate && c.var.redis) c.set("rateHeaders", await checkAlone(c, c.var.redis, rate));
    throw invalidKey();
  }

  const url = new URL(c.req.url);
  const body = c.req.header("Content-Type") || c.req.method !== "DELETE" ? await c.req.text() : "";
  const claim: KeyClaim = {
    principal: c.var.principal,
    keyHash: await sha256Hex(key),
    requestId: c.var.requestId,
    attempt: crypto.randomUUID(),
    fingerprint: await sha256Hex(`${c.req.method} ${url.pathname}${url.search}\n${canonical(body)}`),
  };
  const recordKey = `idem:${claim.principal}:${claim.keyHash}`;

  const redis = c.var.redis;
  if (redis?.available) {
    const rate = c.var.rateCheck;
    let answer: [number, number, string | null] | undefined;
    try {
      const running: FastRecord = { state: "running", fingerprint: claim.fingerprint };
      const limit = rateLimitArgs(rate, [recordKey, recordKey]);
      answer = await redis.run((r) =>
        r.eval<string[], [number, number, string | null]>(
          CLAIM,
          [recordKey, ...limit.keys],
          [
            JSON.stringify(running),
            String(Math.ceil(c.var.config.DB_WRITE_TIMEOUT_MS / 1000) + RUNNING_MARGIN_SECONDS),
            claim.fingerprint,
            ...limit.args,
          ],
        ),
      );
    } catch (err) {
      log.warn(c, "idempotency fast path unavailable; Postgres decides", err);
    }
    // Throws 429 when over the limit; the headers go out with the answer (middleware/rate-limit.ts).
    if (answer && rate) c.set("rateHeaders", rateOutcome(rate, answer[0] === 1, answer[1]));
    const existing = answer?.[2];
    if (existing) {
      const parsed = FastRecordSchema.safeParse(JSON.parse(existing));
      // A record this version cannot read is left to expire; Postgres decides meanwhile.
      const record: FastRecord = parsed.success ? parsed.data : { state: "unknown", fingerprint: claim.fingerprint };
      if (record.fingerprint !== claim.fingerprint) {
        throw new ApiError(422, "This Idempotency-Key was already used with a different request");
      }
      if (record.state === "running") {
        throw new ApiError(409, "A request with this Idempotency-Key is still being processed; retry later", {
          headers: { "Retry-After": "1" },
        });
      }
      if (record.state === "done") return sendReplay(c, record);
    }
  }

  const uow = c.var.uow;
  uow.beforeCommit((u) => {
    u.add(u.db.execute(claimKey(claim)), "head");
    u.add(u.db.execute(sealKey(claim, u.status)), "tail");
  });

  await next();

  const res = c.res;
  const status = successStatus(res.status);
  if (status) {
    // First answers and replays from Postgres alike: the next retry is answered from Redis.
    const done: FastRecord = {
      state: "done",
      fingerprint: claim.fingerprint,
      ...answerOf(res, status, await res.clone().text()),
    };
    remember(c, recordKey, done, RECORD_TTL_SECONDS);
  } else if (c.error instanceof OutcomeUnknownError) {
    remember(c, recordKey, { state: "unknown", fingerprint: claim.fingerprint }, RECORD_TTL_SECONDS);
  } else {
    remember(c, recordKey, null, 0);
  }
});
