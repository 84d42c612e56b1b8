import { createMiddleware } from "hono/factory";
import type { Pending } from "../db/unit-of-work";
import { isWrite } from "../lib/http";
import { log } from "../lib/log";
import type { AppEnv } from "../lib/types";
import { invalidate, outboxInsert } from "./store";

/**
 * Makes every write's invalidation land. The write's own batch records the tags it changes in
 * the outbox; right after the commit (before the response) their generations are bumped in
 * Redis and the outbox row is marked applied. When Redis fails then, or the database never
 * confirmed the commit, the scheduled drain applies the row later; and a write whose outcome is
 * unknown bumps anyway, since a needless bump only costs a cache miss.
 */
export const invalidation = createMiddleware<AppEnv>(async (c, next) => {
  if (!isWrite(c.req.method)) return next();
  const { uow, redis } = c.var;
  let outbox: Pending<{ rows: { id: string }[] }> | undefined;
  uow.beforeCommit((u) => {
    if (u.changes.length > 0) outbox = u.add(u.db.execute<{ id: string }>(outboxInsert(u.changes)), "tail");
  });
  const bump = async (outboxIds: number[]) => {
    if (!redis || uow.changes.length === 0) return;
    try {
      await redis.run((r) => invalidate(r, uow.changes, outboxIds));
    } catch (err) {
      log.warn(c, "cache invalidation failed; the scheduled drain will apply it", err);
    }
  };
  uow.afterCommit((u) => bump(outbox ? [Number(u.one(outbox).id)] : []));
  uow.onOutcomeUnknown(() => bump([]));
  await next();
});
