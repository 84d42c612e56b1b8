import { createMiddleware } from "hono/factory";
import { caller } from "../lib/caller";
import { sha256Hex } from "../lib/hash";
import { isWrite } from "../lib/http";
import { ApiError } from "../lib/problem";
import type { AppEnv } from "../lib/types";
import { claimKey, type KeyClaim, sealKey } from "../services/idempotency-keys";

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

/**
 * Idempotency-Key (IETF httpapi draft) on every write: one key, at most one committed write, and
 * every retry eventually gets the first outcome. Postgres is the only record: the key is claimed
 * by the first statement of the write's own batch and the answer stored by its last
 * (services/idempotency-keys.ts), so the write and its key commit or roll back together, whatever
 * fails around them, and a retry costs what the write costs: one database round trip. A retry
 * while the first request runs waits for it on the key's row, then replays its answer. A failed
 * write leaves the key free for a corrected retry; a write whose outcome is unknown leaves it
 * held, and its retry learns the outcome.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("Idempotency-Key");
  if (header === undefined || !isWrite(c.req.method)) return next();

  const key = header.trim().replace(/^"(.*)"$/, "$1");
  if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) throw invalidKey();

  const url = new URL(c.req.url);
  const body = c.req.header("Content-Type") || c.req.method !== "DELETE" ? await c.req.text() : "";
  const claim: KeyClaim = {
    principal: (await caller(c)).principal,
    keyHash: await sha256Hex(key),
    requestId: c.var.requestId,
    attempt: crypto.randomUUID(),
    fingerprint: await sha256Hex(`${c.req.method} ${url.pathname}${url.search}\n${canonical(body)}`),
  };
  c.var.uow.beforeCommit((u) => {
    u.add(u.db.execute(claimKey(claim)), "head");
    u.add(u.db.execute(sealKey(claim, u.status)), "tail");
  });
  await next();
});
