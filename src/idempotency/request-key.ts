import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { caller } from "../auth/caller";
import { sha256Hex } from "../lib/hash";
import { problem } from "../problems/catalogue";
import type { KeyClaim } from "./key-statements";

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
 * The Idempotency-Key claim a write makes (IETF httpapi draft), or undefined without the header:
 * who is calling, the key's hash, a token drawn for this attempt (never the client's request
 * id, which a retry may repeat) and the fingerprint of the request (method, path, query and its
 * body with keys sorted), so a key reused for another request is refused. A malformed key is a 422.
 */
export async function requestKey(c: Context<AppEnv>): Promise<KeyClaim | undefined> {
  const header = c.req.header("Idempotency-Key");
  if (header === undefined) return undefined;
  const key = header.trim().replace(/^"(.*)"$/, "$1");
  if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) throw problem("invalid_idempotency_key");

  const url = new URL(c.req.url);
  const body = c.req.header("Content-Type") || c.req.method !== "DELETE" ? await c.req.text() : "";
  return {
    principal: (await caller(c)).principal,
    keyHash: await sha256Hex(key),
    requestId: c.var.requestId,
    attempt: crypto.randomUUID(),
    fingerprint: await sha256Hex(`${c.req.method} ${url.pathname}${url.search}\n${canonical(body)}`),
  };
}
