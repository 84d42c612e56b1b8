import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { log } from "../lib/log";
import type { RedisSession } from "../lib/redis";
import { afterWrite, type OutboxClaim } from "./store";
import type { Tag } from "./tags";

/** How a write's batch ended, as far as the cache is concerned. */
export type WriteOutcome =
  | { kind: "committed"; claim: OutboxClaim | undefined }
  /** Sent, with no answer: it may have committed. */
  | { kind: "unknown" };

/**
 * A write's Redis epilogue, one round trip before its response: the cache generations of what the
 * write changed are bumped, its outbox row is marked applied, and the rows of earlier writes it
 * took over are applied too, those whose own epilogue never reached Redis.
 *
 * Invalidation always lands: the write's own batch records what it changes in the outbox. When
 * Redis fails here, or the database never confirmed the commit, the next write that reaches
 * Redis, or at the latest the scheduled drain, applies the row; and a write whose outcome is
 * unknown bumps anyway, since a needless bump only costs a cache miss.
 */
export async function applyInvalidation(
  c: Context<AppEnv>,
  redis: RedisSession,
  changes: readonly Tag[],
  outcome: WriteOutcome,
): Promise<void> {
  if (!redis.available) return;
  const claim = outcome.kind === "committed" ? outcome.claim : undefined;
  try {
    await redis.run((r) =>
      afterWrite(r, { tags: changes, outboxIds: claim ? [Number(claim.id)] : [], pending: claim?.pending ?? [] }),
    );
  } catch (err) {
    log.warn(
      c,
      "write epilogue failed in Redis; a later write or the scheduled drain will apply the invalidation",
      err,
    );
  }
}
