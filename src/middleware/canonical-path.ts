import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

/**
 * `/products/` is not a second URL of `/products`: a trailing slash is redirected with 308, which
 * keeps the method and the body, so caches and clients learn the one canonical path.
 */
export const canonicalPath = createMiddleware<AppEnv>(async (c, next) => {
  const url = new URL(c.req.url);
  if (url.pathname.length > 1 && url.pathname.endsWith("/")) {
    return c.redirect(`${url.pathname.replace(/\/+$/, "") || "/"}${url.search}`, 308);
  }
  await next();
});
