import { env } from "cloudflare:test";
import { beforeEach } from "vitest";
import { db, redis } from "./helpers";

// Each test starts from an empty database (ids from 1) and an empty cache.
beforeEach(async () => {
  await db().query(
    "truncate orders_products, orders, products, cache_outbox, idempotency_keys, sales_changes, sales_daily, sales_monthly, sales_by_product, sales_by_day restart identity cascade",
  );
  if (!env.STACK_REDIS_DOWN) await redis().flushdb();
});
