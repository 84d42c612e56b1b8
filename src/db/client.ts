import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-http";
import { requestScope, timed } from "../lib/request-scope";
import { postgresAnswer } from "./neon-answer";

// neonConfig is global to the isolate, so the driver's fetch is wrapped once here. Every HTTP
// request the driver makes is one database round trip of the current request: it is counted,
// sent where the request's configuration says, and aborted at the request's deadline. Its answer
// reaches the driver only if it is Postgres's (neon-answer.ts).
neonConfig.fetchFunction = async (input: RequestInfo | URL, init?: RequestInit) => {
  const scope = requestScope.getStore();
  if (scope) scope.dbRoundTrips += 1;
  const res = scope
    ? await timed("db", () =>
        fetch(scope.neonEndpoint ?? input, { ...init, signal: AbortSignal.timeout(scope.dbTimeoutMs) }),
      )
    : await fetch(input, init);
  return postgresAnswer(res, init?.body);
};

/** drizzle over Neon's HTTP driver; queries are raw SQL built in services, so no schema is attached. */
export function createDb(databaseUrl: string) {
  return drizzle({ client: neon(databaseUrl) });
}

export type Db = ReturnType<typeof createDb>;

// The HTTP client holds no connection, so one per connection string serves every request of
// the isolate and drizzle's set-up is not repeated per request.
const clients = new Map<string, Db>();

export function dbFor(databaseUrl: string): Db {
  let db = clients.get(databaseUrl);
  if (!db) {
    db = createDb(databaseUrl);
    clients.set(databaseUrl, db);
  }
  return db;
}
