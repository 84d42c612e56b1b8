import { createMiddleware } from "hono/factory";
import type { Pending } from "../db/unit-of-work";
import { isWrite } from "../lib/http";
import { log } from "../lib/log";
import type { AppEnv } from "../lib/types";
import { afterWrite, type OutboxClaim, outboxInsert } from "./store";

/**
 * A write's Redis epilogue, one round trip before its response: the cache generations of what the
 * write changed are bumped, its outbox row is marked applied, and the rows of earlier writes it
 * took over are applied too, those whose own epilogue never reached Redis.
 *
 * Invalidation always lands: the write's own batch records what it changes in the outbox. When
 * Redis fails here, or the database never confirmed the commit, the next write that reaches
 * Redis, or at the latest the scheduled drain, applies the row; and a write whose outcome is
 * unknown bumps anyway, since a needless bump only costs a cache miss. Without Redis configured
 * there is no cache to invalidate, and no outbox row is written.
 */
export const writeEpilogue = createMiddleware<AppEnv>(async (c, next) => {
  const { uow, redis } = c.var;
  if (!isWrite(c.req.method) || !redis) return next();
  let outbox: Pending<{ rows: OutboxClaim[] }> | undefined;
  const state: { outcome: "none" | "committed" | "unknown" } = { outcome: "none" };
  uow.beforeCommit((u) => {
    if (u.changes.length === 0) return;
    outbox = u.add(u.db.execute<OutboxClaim>(outboxInsert(u.changes)), "tail");
  });
  uow.afterCommit(() => {
    state.outcome = "committed";
  });
  uow.onOutcomeUnknown(() => {
    state.outcome = "unknown";
  });

  await next();

  if (state.outcome === "none" || !redis.available) return;
  const claim = state.outcome === "committed" && outbox ? uow.one(outbox) : undefined;
  const outboxIds = claim ? [Number(claim.id)] : [];
  try {
    await redis.run((r) => afterWrite(r, { tags: uow.changes, outboxIds, pending: claim?.pending ?? [] }));
  } catch (err) {
    log.warn(
      c,
      "write epilogue failed in Redis; a later write or the scheduled drain will apply the invalidation",
      err,
    );
  }
});
