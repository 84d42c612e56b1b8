import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What the Neon driver's fetch needs from the request it runs for, which it cannot get from the
 * Hono context: where to send SQL, how long to wait for the answer, and what the request spent
 * waiting on the database and on Redis (round trips and time), for the log line and Server-Timing.
 */
export interface RequestScope {
  dbRoundTrips: number;
  /** Time spent waiting on the database, in ms, summed over round trips. */
  dbMs: number;
  /** Redis calls made and the time spent waiting on them, in ms. */
  redisCalls: number;
  redisMs: number;
  /** A Neon-compatible endpoint (the local stack); undefined = the driver's Neon default. */
  neonEndpoint?: string;
  /** Deadline of one database request; past it the fetch is aborted. */
  dbTimeoutMs: number;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/** Shortens the database deadline for the rest of this request (never lengthens it). */
export function tightenDbDeadline(ms: number): void {
  const scope = requestScope.getStore();
  if (scope) scope.dbTimeoutMs = Math.min(scope.dbTimeoutMs, ms);
}

/** A scope for work outside a request (the scheduled handler, a request before its config is read). */
export function newScope(dbTimeoutMs: number, neonEndpoint?: string): RequestScope {
  return {
    dbRoundTrips: 0,
    dbMs: 0,
    redisCalls: 0,
    redisMs: 0,
    dbTimeoutMs,
    ...(neonEndpoint ? { neonEndpoint } : {}),
  };
}

/** Runs `call`, adding the time it waited to the current request's `dbMs` or `redisMs`. */
export async function timed<T>(what: "db" | "redis", call: () => Promise<T>): Promise<T> {
  const scope = requestScope.getStore();
  const started = performance.now();
  try {
    return await call();
  } finally {
    if (scope) {
      const waited = performance.now() - started;
      if (what === "db") scope.dbMs += waited;
      else {
        scope.redisMs += waited;
        scope.redisCalls += 1;
      }
    }
  }
}
