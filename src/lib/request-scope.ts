import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Per-request counters that code far from the Hono context (the Neon fetch function) can
 * reach. The request log line and the round-trip tests read them.
 */
export interface RequestScope {
  dbRoundTrips: number;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();
