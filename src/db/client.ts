import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-http";
import type { Config } from "../env";
import { requestScope } from "../lib/request-scope";
import * as schema from "./schema";

// neonConfig is global to the isolate, so the counting fetch is installed once here; every
// HTTP request the driver makes is one database round trip of the current request.
neonConfig.fetchFunction = (input: RequestInfo | URL, init?: RequestInit) => {
  const scope = requestScope.getStore();
  if (scope) scope.dbRoundTrips += 1;
  return fetch(input, init);
};

export function createDb(config: Pick<Config, "DATABASE_URL" | "NEON_FETCH_ENDPOINT">) {
  // Only the local stack sets an endpoint; production keeps the driver's Neon default.
  if (config.NEON_FETCH_ENDPOINT) neonConfig.fetchEndpoint = config.NEON_FETCH_ENDPOINT;
  return drizzle({ client: neon(config.DATABASE_URL), schema });
}

export type Db = ReturnType<typeof createDb>;

// The HTTP client holds no connection, so one per configuration serves every request of the
// isolate and drizzle's set-up is not repeated per request.
const clients = new WeakMap<object, Db>();

export function dbFor(config: Pick<Config, "DATABASE_URL" | "NEON_FETCH_ENDPOINT">): Db {
  const cached = clients.get(config);
  if (!cached) {
    const db = createDb(config);
    clients.set(config, db);
    return db;
  }
  // neonConfig is global: a request with other bindings (tests) may have moved the endpoint.
  if (config.NEON_FETCH_ENDPOINT) neonConfig.fetchEndpoint = config.NEON_FETCH_ENDPOINT;
  return cached;
}
