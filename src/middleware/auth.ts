import { createMiddleware } from "hono/factory";
import { sha256, sha256Hex } from "../lib/hash";
import { isWrite } from "../lib/http";
import { ApiError } from "../lib/problem";
import type { AppEnv } from "../lib/types";

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

const unauthorized = (detail: string) =>
  new ApiError(401, detail, { headers: { "WWW-Authenticate": 'Bearer realm="api"' } });

/** Reads are public; writes need `Authorization: Bearer <key>` unless AUTH_DISABLED is "true". */
export const auth = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.get("config");
  const header = c.req.header("Authorization");
  const presented = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  const ip = c.req.header("CF-Connecting-IP") ?? "unknown";

  if (presented && config.API_KEYS.length > 0 && (await matchesAnyKey(presented, config.API_KEYS))) {
    c.set("principal", `key:${(await sha256Hex(presented)).slice(0, 16)}`);
    return next();
  }
  c.set("principal", `ip:${ip}`);
  if (!isWrite(c.req.method) || config.AUTH_DISABLED) return next();

  if (config.API_KEYS.length === 0) {
    throw unauthorized(
      "Writes are disabled because no API keys are configured: set API_KEYS (wrangler secret put API_KEYS), or AUTH_DISABLED=true for local development",
    );
  }
  throw unauthorized(header ? "The API key is not valid" : "Writes need an API key: send Authorization: Bearer <key>");
});
