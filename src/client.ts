import { hc } from "hono/client";
import type { AppType } from "./app";

// The package's "./client" entry (built by `npm run build:client`). Its declarations spell out the
// client's whole type, with nothing of the Worker's (bindings, Workers runtime types), so another
// project needs neither @cloudflare/workers-types nor this project's env declarations.

export interface ClientOptions {
  /** Sent as `Authorization: Bearer <apiKey>`; writes need a key, reads do not. */
  apiKey?: string;
  /** Headers for every request, after Authorization (so they may replace it). */
  headers?: Record<string, string>;
  /** The fetch to send with (default: the global one). */
  fetch?: typeof fetch;
}

/**
 * A typed client of the API, hono/client over the app's own routes: every path, request and
 * answer is checked, e.g. `await createClient(url, { apiKey }).products.$post({ json: product })`.
 */
export function createClient(baseUrl: string, options: ClientOptions = {}) {
  const headers = { ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}), ...options.headers };
  return hc<AppType>(baseUrl, options.fetch ? { headers, fetch: options.fetch } : { headers });
}

/** The client's type, e.g. for `InferResponseType<Client["orders"]["$post"]>` from hono/client. */
export type Client = ReturnType<typeof createClient>;
