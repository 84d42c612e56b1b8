import { drainOutbox } from "./cache/store";
import { dbFor } from "./db/client";
import { type Bindings, loadConfig } from "./env";
import { redisSession } from "./lib/redis";
import { requestScope } from "./lib/request-scope";
import { deleteExpiredKeys } from "./services/idempotency-keys";
import { compactSales } from "./services/sales-compaction";

// Expired Idempotency-Keys deleted per run; a minute's worth of keys at any sane write rate.
const EXPIRED_KEYS_PER_RUN = 5_000;

/**
 * The Cron Trigger (every minute, wrangler.toml): applies the cache invalidations that Redis
 * missed when their writes committed, and forgets expired Idempotency-Keys. It is what bounds the
 * stale window after a Redis outage: about a minute once Redis answers again.
 */
export async function scheduled(
  _controller: ScheduledController,
  env: Bindings,
  _ctx: ExecutionContext,
): Promise<void> {
  const config = loadConfig(env);
  const db = dbFor(config.DATABASE_URL);
  const scope = { dbRoundTrips: 0, neonEndpoint: config.NEON_FETCH_ENDPOINT, dbTimeoutMs: config.DB_WRITE_TIMEOUT_MS };
  await requestScope.run(scope, async () => {
    await compactSales(db);
    const redis = redisSession({ ...config, REDIS_COOL_OFF_MS: 0 });
    const outbox = redis ? await drainOutbox(db, redis.client) : { rows: 0, applied: 0 };
    await db.execute(deleteExpiredKeys(EXPIRED_KEYS_PER_RUN));
    console.log(
      JSON.stringify({ level: "info", message: "scheduled", outbox_rows: outbox.rows, outbox_applied: outbox.applied }),
    );
  });
}
