import { createServer } from "node:net";

/**
 * The local stack's fixed ports, named by .dev.vars.example: a bare `wrangler dev`, the data
 * tools (db:seed, db:reset, db:studio) and a database client find the stack here.
 */
export const DEV_PORTS = {
  /** Neon SQL-over-HTTP proxy: NEON_FETCH_ENDPOINT=http://127.0.0.1:4444/sql */
  neon: 4444,
  /** Upstash REST proxy: UPSTASH_REDIS_REST_URL=http://127.0.0.1:4445 */
  upstash: 4445,
  /** PGlite over the Postgres wire protocol (when no DATABASE_URL names a server) */
  postgres: 4446,
  /** a redis-server the stack starts itself when none is configured or running */
  redis: 4447,
} as const;

export const DEV_UPSTASH_TOKEN = "local-dev-token";

/** What the Worker's DATABASE_URL says under the local stack: the proxy takes user and database from it. */
export const DEV_DATABASE_URL = `postgres://postgres@127.0.0.1:${DEV_PORTS.postgres}/postgres`;
export const DEV_NEON_ENDPOINT = `http://127.0.0.1:${DEV_PORTS.neon}/sql`;

/** Whether nothing listens on 127.0.0.1:port. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
