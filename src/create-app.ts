import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { timing } from "hono/timing";
import type { AppOpenAPI } from "./app-env";
import { cacheStatus } from "./cache/read-through";
import { auth } from "./middleware/auth";
import { canonicalPath } from "./middleware/canonical-path";
import { clients } from "./middleware/clients";
import { cors, timingAllowOrigin } from "./middleware/cors";
import { jsonBody } from "./middleware/json-body";
import { knownRoute } from "./middleware/known-route";
import { rateLimit } from "./middleware/rate-limit";
import { requestLogger } from "./middleware/request-logger";
import { notFound, onError } from "./problems/handler";
import { createRouter } from "./routes/router";

/**
 * What every request passes before its route: the request id and the request scope (logger)
 * first; `clients` puts config, db and redis on c.var; the rate limit counts every request before
 * anything can refuse it; a request no route takes is refused (404, 405) before auth or any body
 * is read; the body guard parses JSON before a route validates it. The rest is the route's own
 * pipeline, which its handler calls: a read's (pipelines/read.ts) or a write's (pipelines/write.ts).
 */
export function createApp(): AppOpenAPI {
  const app = createRouter();
  app.use(requestId());
  // Server-Timing on every answer: the total, and the database's and Redis's shares (request-logger).
  app.use(timing({ totalDescription: "total", crossOrigin: timingAllowOrigin }));
  app.use(requestLogger);
  app.use(cacheStatus);
  // The docs page sets its own Content-Security-Policy; JSON answers load nothing.
  app.use(secureHeaders({ crossOriginResourcePolicy: "cross-origin" }));
  // Before the clients, auth and rate limits: a preflight is answered here, with no round trip.
  app.use(cors);
  app.use(canonicalPath);
  app.use(clients);
  app.use(rateLimit);
  app.use(knownRoute(app));
  app.use(auth);
  app.use(jsonBody);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
