import { createMiddleware } from "hono/factory";
import { caller } from "../lib/caller";
import { isWrite } from "../lib/http";
import { ApiError } from "../lib/problem";
import type { AppEnv } from "../lib/types";

const unauthorized = (detail: string) =>
  new ApiError(401, detail, { headers: { "WWW-Authenticate": 'Bearer realm="api"' } });

/** Reads are public; writes need `Authorization: Bearer <key>` unless AUTH_DISABLED is "true". */
export const auth = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.var.config;
  if (!isWrite(c.req.method) || config.AUTH_DISABLED) return next();
  const who = await caller(c);
  if (who.keyValid) return next();
  if (config.API_KEYS.length === 0) {
    throw unauthorized(
      "Writes are disabled because no API keys are configured: set API_KEYS (wrangler secret put API_KEYS), or AUTH_DISABLED=true for local development",
    );
  }
  throw unauthorized(
    who.presented ? "The API key is not valid" : "Writes need an API key: send Authorization: Bearer <key>",
  );
});
