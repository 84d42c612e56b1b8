import { beforeEach } from "vitest";
import { db, redis } from "../helpers";
import { resetFaults } from "./support";

// Each test starts with no faults, an empty database (ids from 1) and an empty cache.
beforeEach(async () => {
  await resetFaults();
  await db().query(
    "truncate orders_products, orders, products, cache_outbox, idempotency_keys, sales_changes, sales_daily, sales_monthly, sales_by_product, sales_by_day restart identity cascade",
  );
  await redis().flushdb();
});
