import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { caller } from "../auth/caller";
import { isWrite } from "../lib/http";
import { problem } from "../problems/catalogue";

/** Reads are public; writes need `Authorization: Bearer <key>` unless AUTH_DISABLED is "true". */
export const auth = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.var.config;
  if (!isWrite(c.req.method) || config.AUTH_DISABLED) return next();
  const who = await caller(c);
  if (who.keyValid) return next();
  if (config.API_KEYS.length === 0) throw problem("no_api_keys");
  throw problem(who.presented ? "invalid_api_key" : "missing_api_key");
});
