import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What the Neon driver's fetch needs from the request it runs for, which it cannot get from the
 * Hono context: where to send SQL, how long to wait for the answer, and a counter of round trips
 * that the request log line and the round-trip tests read.
 */
export interface RequestScope {
  dbRoundTrips: number;
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
