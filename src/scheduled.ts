import { discardOutbox, drainOutbox } from "./cache/store";
import { dbFor } from "./db/client";
import { type Bindings, loadConfig } from "./env";
import { deleteExpiredKeys } from "./idempotency/key-statements";
import { redisSession } from "./lib/redis";
import { newScope, requestScope } from "./lib/request-scope";
import { compactSales } from "./reports/compaction";
import { compactListPositions } from "./routes/crud/list-page";

// Expired Idempotency-Keys deleted per run; a minute's worth of keys at any sane write rate.
const EXPIRED_KEYS_PER_RUN = 5_000;
// How long one run may drain the outbox; a Cron Trigger has far more, and the next run goes on.
const DRAIN_BUDGET_MS = 20_000;

/** Runs one part of the housekeeping; a part that fails is logged and the others still run. */
async function part(name: string, work: () => Promise<object>): Promise<object> {
  try {
    return await work();
  } catch (err) {
    // Bounded: a Redis error quotes the whole command it failed on.
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    console.error(JSON.stringify({ level: "error", message: `scheduled ${name} failed`, error: text.slice(0, 300) }));
    return { [`${name}_failed`]: true };
  }
}

/**
 * The Cron Trigger (every minute, wrangler.toml): folds the report changes writes appended into
 * the rollups and the list counts into list_positions, applies the cache invalidations that Redis missed when their writes committed (all
 * of them, oldest first, within the run's budget), and forgets expired Idempotency-Keys. Each
 * part runs whatever the others do: a Redis outage
 * does not keep expired keys; without Redis configured, the outbox is emptied (nothing to invalidate).
 */
export async function scheduled(
  _controller: ScheduledController,
  env: Bindings,
  _ctx: ExecutionContext,
): Promise<void> {
  const config = loadConfig(env);
  const db = dbFor(config.DATABASE_URL);
  const scope = newScope(config.DB_WRITE_TIMEOUT_MS, config.NEON_FETCH_ENDPOINT);
  await requestScope.run(scope, async () => {
    const sales = await part("sales", async () => ({ sales_changes_folded: await compactSales(db) }));
    const positions = await part("positions", async () => ({ list_positions_folded: await compactListPositions(db) }));
    const redis = redisSession({ ...config, REDIS_COOL_OFF_MS: 0 });
    const outbox = await part("outbox", async () => {
      if (!redis) return { outbox_discarded: await discardOutbox(db) };
      const drained = await drainOutbox(db, redis.client, DRAIN_BUDGET_MS);
      return { outbox_rows: drained.rows, outbox_applied: drained.applied };
    });
    const keys = await part("keys", async () => {
      const { rowCount } = await db.execute(deleteExpiredKeys(EXPIRED_KEYS_PER_RUN));
      return { expired_keys_deleted: rowCount ?? 0 };
    });
    console.log(JSON.stringify({ level: "info", message: "scheduled", ...sales, ...positions, ...outbox, ...keys }));
  });
}
