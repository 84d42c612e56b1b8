import type { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../app-env";
import { problem } from "../problems/catalogue";
import { notFound } from "../problems/handler";

/** Middleware is registered under the method "ALL"; routes under their own. */
const isRoute = (route: { method: string }) => route.method !== "ALL";

// The order the Allow header lists methods in.
const ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Answers a request no route takes before any body is read: 404 for an unknown path, and 405
 * with `Allow` (RFC 9110 §15.5.6) for a known path asked with a method it does not have, since
 * the client got the method wrong, not the path. It runs after the rate limit, so such a request
 * counts like any other. `app` is the whole application, whose router knows every route once
 * the routers are mounted.
 */
export function knownRoute(app: Pick<Hono<AppEnv>, "routes" | "router">) {
  let methods: string[] | undefined;
  return createMiddleware<AppEnv>(async (c, next) => {
    // A HEAD is routed as a GET; a matched route means path and method are fine.
    if (matchedRoutes(c).some(isRoute)) return next();
    methods ??= ORDER.filter((m) => app.routes.some((r) => r.method === m));
    const allowed = methods.filter((method) =>
      app.router.match(method, c.req.path)[0].some(([[, route]]) => isRoute(route as { method: string })),
    );
    if (allowed.length === 0) return notFound(c);
    if (allowed.includes("GET")) allowed.splice(allowed.indexOf("GET") + 1, 0, "HEAD");
    throw problem("method_not_allowed", { method: c.req.method, path: c.req.path, allow: allowed.join(", ") });
  });
}
