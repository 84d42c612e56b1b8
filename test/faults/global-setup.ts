import type { TestProject } from "vitest/node";
import { startFaultProxy } from "../../dev/fault-proxy/server.ts";
import { startLockHolder } from "../../dev/lock-holder.ts";
import { useServer } from "../../dev/postgres.ts";
import { resolveTestRedis } from "../../dev/redis.ts";
import { startStack } from "../../dev/stack.ts";

// A Redis database index of this suite's own: the other projects flush 13 and 14.
const FAULTS_REDIS_DB = 12;
const TOKEN = "faults-token";
const LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/postgres";

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
 * give, so it always runs on a Postgres server: TEST_DATABASE_URL, else the local one on 5432, in
 * a scratch database. The Worker reaches Neon and Upstash through fault proxies the tests steer;
 * the tests themselves arrange and inspect state through the proxies directly.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL || LOCAL_SERVER;
  await useServer(serverUrl).catch((err: Error) => {
    throw new Error(
      `${err.message}\nThe concurrency-and-faults tests need a Postgres server (PGlite has one session): start one on 127.0.0.1:5432 or set TEST_DATABASE_URL.`,
    );
  });
  const redis = await resolveTestRedis(process.env.REDIS_URL, FAULTS_REDIS_DB);
  const stack = await startStack({
    databaseUrl: serverUrl,
    scratchDatabase: true,
    redisUrl: redis.url,
    upstashToken: TOKEN,
    // Enough connections that every concurrent request reaches Postgres and queues on its locks.
    poolSize: 24,
  });
  if (!stack.upstash) throw new Error("the faults stack always runs the Upstash proxy");
  const dbFault = await startFaultProxy({ target: stack.neon.origin });
  const redisFault = await startFaultProxy({ target: stack.upstash.url });
  const locks = await startLockHolder(stack.postgres.url);
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
  return async () => {
    await locks.close();
    await dbFault.close();
    await redisFault.close();
    await stack.close();
    await redis.close();
  };
}
