import type { TestProject } from "vitest/node";
import { resolveTestRedis } from "../dev/stack/redis.ts";
import { startStack } from "../dev/stack/stack.ts";
import { startToolRunner } from "./tool-runner.ts";
import { startUnavailableServer } from "./unavailable-server.ts";

export const TEST_UPSTASH_TOKEN = "test-token";

declare module "vitest" {
  export interface ProvidedContext {
    stack: {
      bindings: Record<string, string>;
      neonOrigin: string;
      upstashOrigin: string;
      /** A server that answers every request 503: Neon or Upstash during an outage. */
      unavailableOrigin: string;
      /** Runs the data tools (db:seed, db:reset) against this stack: test/tool-runner.ts. */
      toolsOrigin: string;
      postgres: "server" | "pglite";
    };
  }
}

/**
 * Starts the local stack once per project and run on the Node side: PGlite in memory unless
 * TEST_DATABASE_URL names a server (then a scratch database on it), Redis per resolveTestRedis.
 */
export default async function setup(project: TestProject) {
  const closers: (() => Promise<void>)[] = [];
  // Stops what was started, newest first; also when a later step fails, so no server outlives the run.
  const teardown = async () => {
    for (const close of closers.reverse()) await close().catch((err) => console.error(err));
  };
  try {
    const redis = await resolveTestRedis(process.env.REDIS_URL || undefined);
    closers.push(() => redis.close());
    const stack = await startStack({
      databaseUrl: process.env.TEST_DATABASE_URL || undefined,
      scratchDatabase: true,
      redisUrl: redis.url,
      upstashToken: TEST_UPSTASH_TOKEN,
    });
    closers.push(() => stack.close());
    if (!stack.upstash) throw new Error("the test stack always runs the Upstash proxy");
    const unavailable = await startUnavailableServer();
    closers.push(() => unavailable.close());
    const tools = await startToolRunner({
      DATABASE_URL: stack.postgres.url,
      NEON_FETCH_ENDPOINT: stack.neon.url,
      UPSTASH_REDIS_REST_URL: stack.upstash.url,
      UPSTASH_REDIS_REST_TOKEN: TEST_UPSTASH_TOKEN,
    });
    closers.push(() => tools.close());
    project.provide("stack", {
      bindings: stack.bindings,
      neonOrigin: stack.neon.origin,
      upstashOrigin: stack.upstash.url,
      unavailableOrigin: unavailable.origin,
      toolsOrigin: tools.origin,
      postgres: stack.postgres.kind,
    });
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
