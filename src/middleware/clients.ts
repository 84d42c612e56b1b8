import { Redis } from "@upstash/redis/cloudflare";
import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import { UnitOfWork } from "../db/unit-of-work";
import { type Config, loadConfig } from "../env";
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
  });
}

/** Builds the per-request clients once, so handlers never construct one. */
export const clients = createMiddleware<AppEnv>(async (c, next) => {
  const config = loadConfig(c.env);
  const db = createDb(config);
  c.set("config", config);
  c.set("db", db);
  c.set("uow", new UnitOfWork(db));
  c.set("redis", createRedis(config));
  await next();
});
