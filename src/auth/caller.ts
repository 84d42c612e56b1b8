import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { sha256, sha256Hex } from "../lib/hash";

/** Who is calling: an API key that is valid, else the client's address. */
export interface Caller {
  /** "key:<hash prefix>" for a valid API key, else "ip:<address>": what limits and keys are counted by. */
  principal: string;
  /** Whether the request carries a valid API key. */
  keyValid: boolean;
  /** Whether it carries an Authorization header at all. */
  presented: boolean;
}

/**
 * Compares digests, not the keys themselves, so the comparison takes the same time whatever
 * the key's length, and checks every configured key so timing does not tell which one matched.
 */
async function matchesAnyKey(candidate: string, keys: readonly string[]): Promise<boolean> {
  const digest = await sha256(candidate);
  let matched = false;
  for (const key of keys) {
    if (crypto.subtle.timingSafeEqual(digest, await sha256(key))) matched = true;
  }
  return matched;
}

// The rate limit, auth and Idempotency-Key each ask who is calling; the keys are hashed once.
const known = new WeakMap<Request, Promise<Caller>>();

async function identify(c: Context<AppEnv>): Promise<Caller> {
  const header = c.req.header("Authorization");
  const presented = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  const keys = c.var.config.API_KEYS;
  if (presented && keys.length > 0 && (await matchesAnyKey(presented, keys))) {
    return { principal: `key:${(await sha256Hex(presented)).slice(0, 16)}`, keyValid: true, presented: true };
  }
  // A wrong key is not a caller of its own: guesses count against the address that sends them.
  return { principal: `ip:${c.req.header("CF-Connecting-IP") ?? "unknown"}`, keyValid: false, presented: !!header };
}

/** The request's caller, worked out once per request. */
export function caller(c: Context<AppEnv>): Promise<Caller> {
  let found = known.get(c.req.raw);
  if (!found) {
    found = identify(c);
    known.set(c.req.raw, found);
  }
  return found;
}
