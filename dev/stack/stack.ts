import { type NeonProxy, startNeonProxy } from "../proxies/neon-proxy/server.ts";
import { startUpstashProxy, type UpstashProxy } from "../proxies/upstash-proxy/server.ts";
import { applyMigrations } from "./migrations.ts";
import { createScratchDatabase, type Postgres, startPglite, useServer } from "./postgres.ts";

interface StackOptions {
  /** A real Postgres; undefined = embedded PGlite. */
  databaseUrl?: string;
  /** With databaseUrl: run in a fresh database on that server, dropped on close. */
  scratchDatabase?: boolean;
  /** PGlite's folder; undefined keeps it in memory. */
  pgliteDir?: string;
  /** Redis behind the Upstash proxy; undefined = Redis features off. */
  redisUrl?: string;
  upstashToken?: string;
  latencyMs?: number;
  /** Connections the Neon proxy may open to a server (PGlite always gets one). */
  poolSize?: number;
  /** Ports to listen on (see dev/stack/ports.ts); unset = any free port. */
  ports?: { postgres?: number; neon?: number; upstash?: number };
}

export interface Stack {
  postgres: Postgres;
  neon: NeonProxy;
  upstash: UpstashProxy | undefined;
  /** What the Worker needs to reach this stack (all strings, as Worker bindings are). */
  bindings: Record<string, string>;
  close(): Promise<void>;
}

/** Postgres (server or PGlite), migrations, the Neon proxy and, with Redis, the Upstash proxy. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const postgres = options.databaseUrl
    ? options.scratchDatabase
      ? await createScratchDatabase(options.databaseUrl, "edge_api_test")
      : await useServer(options.databaseUrl)
    : await startPglite(options.pgliteDir, options.ports?.postgres);
  const closers: (() => Promise<void>)[] = [() => postgres.close()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err) => console.error(err));
  };
  try {
    const neon = await startNeonProxy({
      databaseUrl: postgres.url,
      port: options.ports?.neon,
      latencyMs: options.latencyMs ?? 0,
      // PGlite has one session; one pooled connection keeps every batch's transaction whole.
      poolSize: postgres.kind === "pglite" ? 1 : (options.poolSize ?? 10),
    });
    closers.push(() => neon.close());
    await applyMigrations(postgres.url, neon.url);

    let upstash: UpstashProxy | undefined;
    const token = options.upstashToken ?? "local-dev-token";
    if (options.redisUrl) {
      upstash = await startUpstashProxy({ redisUrl: options.redisUrl, token, port: options.ports?.upstash });
      const proxy = upstash;
      closers.push(() => proxy.close());
    }
    const bindings: Record<string, string> = {
      DATABASE_URL: postgres.url,
      NEON_FETCH_ENDPOINT: neon.url,
      ...(upstash ? { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: token } : {}),
    };
    return { postgres, neon, upstash, bindings, close };
  } catch (err) {
    await close();
    throw err;
  }
}
