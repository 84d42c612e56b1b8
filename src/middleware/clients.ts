import { Redis } from "@upstash/redis/cloudflare";
import { createMiddleware } from "hono/factory";
import { dbFor } from "../db/client";
import { UnitOfWork } from "../db/unit-of-work";
import { type Config, loadConfig } from "../env";
import { invalidate } from "../lib/cache";
import { log } from "../lib/log";
import type { AppEnv } from "../lib/types";

// Redis sits on the hot path of every cached read; a slow Redis must not make the API slow,
// so each call gets a short deadline and no retries, and callers fall back to the database.
const REDIS_TIMEOUT_MS = 200;

function createRedis(config: Config): Redis | null {
  if (!config.UPSTASH_REDIS_REST_URL || !config.UPSTASH_REDIS_REST_TOKEN) return null;
  return new Redis({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
    enableTelemetry: false,
    retry: { retries: 0 },
    signal: () => AbortSignal.timeout(REDIS_TIMEOUT_MS),
    // Cached bodies are stored as JSON text and sent back as they are; parsing them on the
    // way out of Redis would only cost CPU.
    automaticDeserialization: false,
  });
}

/** Builds the per-request clients once, so handlers never construct one. */
export const clients = createMiddleware<AppEnv>(async (c, next) => {
  const config = loadConfig(c.env);
  const db = dbFor(config);
  c.set("config", config);
  c.set("db", db);
  const uow = new UnitOfWork(db);
  const redis = createRedis(config);
  c.set("uow", uow);
  c.set("redis", redis);
  // Awaited before the response: a read after this write must not find an older answer.
  uow.afterCommit(async () => {
    if (!redis) return;
    await invalidate(redis, uow.touched).catch((err: unknown) =>
      log.error(c, "cache invalidation failed; cached reads may be stale until their TTL", err),
    );
  });
  await next();
});
