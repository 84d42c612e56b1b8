import { createMiddleware } from "hono/factory";
import type { Pending } from "../db/unit-of-work";
import { isWrite } from "../lib/http";
import { log } from "../lib/log";
import type { AppEnv } from "../lib/types";
import { afterWrite, outboxInsert } from "./store";

/**
 * A write's Redis epilogue, one round trip before its response: the cache generations of what the
 * write changed are bumped, its outbox row is marked applied, and the Idempotency-Key's record
 * (which the idempotency middleware, inside this one, leaves in `c.var.keyRecord`) is written.
 *
 * Invalidation always lands: the write's own batch records what it changes in the outbox. When
 * Redis fails here, or the database never confirmed the commit, the scheduled drain applies the
 * row later; and a write whose outcome is unknown bumps anyway, since a needless bump only costs
 * a cache miss.
 */
export const writeEpilogue = createMiddleware<AppEnv>(async (c, next) => {
  if (!isWrite(c.req.method)) return next();
  const { uow, redis } = c.var;
  let outbox: Pending<{ rows: { id: string }[] }> | undefined;
  const state: { outcome: "none" | "committed" | "unknown" } = { outcome: "none" };
  uow.beforeCommit((u) => {
    if (u.changes.length > 0) outbox = u.add(u.db.execute<{ id: string }>(outboxInsert(u.changes)), "tail");
  });
  uow.afterCommit(() => {
    state.outcome = "committed";
  });
  uow.onOutcomeUnknown(() => {
    state.outcome = "unknown";
  });

  await next();

  const record = c.var.keyRecord;
  const tags = state.outcome === "none" ? [] : uow.changes;
  if (!redis?.available || (tags.length === 0 && !record)) return;
  const outboxIds = state.outcome === "committed" && outbox ? [Number(uow.one(outbox).id)] : [];
  try {
    await redis.run((r) => afterWrite(r, { tags, outboxIds, ...(record ? { record } : {}) }));
  } catch (err) {
    log.warn(c, "write epilogue failed in Redis; the scheduled drain will apply the invalidation", err);
  }
});
