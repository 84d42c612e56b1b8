import { env } from "cloudflare:test";
import { beforeEach } from "vitest";
import { db, redis } from "./helpers";
import { RESET_DATABASE } from "./reset-database";

// Each test starts from an empty database (ids from 1) and an empty cache.
beforeEach(async () => {
  await db().query(RESET_DATABASE);
  if (!env.STACK_REDIS_DOWN) await redis().flushdb();
});
