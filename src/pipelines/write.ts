import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../app-env";
import { applyInvalidation } from "../cache/epilogue";
import { type OutboxClaim, outboxInsert } from "../cache/store";
import type { AnswerRow } from "../db/answer";
import { OutcomeUnknownError, type Pending, UnitOfWork } from "../db/unit-of-work";
import { claimKey, sealKey } from "../idempotency/key-statements";
import { requestKey } from "../idempotency/request-key";
import { storedAnswer } from "../problems/database";
import { type JsonResponse, sendAnswer, sendReplay } from "./respond";

/** The statements of one write, added to its unit of work; answers the handle of its answer row. */
export type WriteStatements<T> = (uow: UnitOfWork) => Pending<{ rows: AnswerRow<T>[] }>;

/**
 * Every write, top to bottom: one database round trip (a single batch, one transaction) and, when
 * Redis is configured, one Redis round trip after it.
 *
 * 1. The Idempotency-Key, if sent, is claimed by the batch's first statement: a retry of a write
 *    that committed stops there and gets the stored answer again; one still running is waited for.
 * 2. The resource's statements, which record what data they change.
 * 3. The cache outbox row for those changes (only with Redis on), so the invalidation survives a
 *    lost Redis call; it also takes over older rows whose epilogue never landed.
 * 4. The key's seal: the answer stored under the key, in the same transaction as the write.
 * 5. The batch is sent.
 * 6. The cache epilogue bumps what changed, also when the outcome is unknown (a needless bump
 *    only costs a miss).
 * 7. The answer: the answer statement's row, with its status, ETag and Location.
 */
export async function write<T, S extends ContentfulStatusCode>(
  c: Context<AppEnv>,
  status: S,
  statements: WriteStatements<T>,
): Promise<JsonResponse<T, S>> {
  const { db, redis } = c.var;
  const key = await requestKey(c);
  const uow = new UnitOfWork(db);
  if (key) uow.add(db.execute(claimKey(key)));
  const answer = statements(uow);
  const outbox =
    redis && uow.changes.length > 0 ? uow.add(db.execute<OutboxClaim>(outboxInsert(uow.changes))) : undefined;
  if (key) uow.add(db.execute(sealKey(key, status)));

  try {
    await uow.commit();
  } catch (err) {
    const stored = storedAnswer(err);
    // The same route answered it first, with the same status and the same shape.
    if (stored) return sendReplay(c, stored) as JsonResponse<T, S>;
    if (err instanceof OutcomeUnknownError && redis) {
      await applyInvalidation(c, redis, uow.changes, { kind: "unknown" });
    }
    throw err;
  }

  if (redis && uow.changes.length > 0) {
    await applyInvalidation(c, redis, uow.changes, { kind: "committed", claim: outbox && uow.one(outbox) });
  }
  return sendAnswer(c, uow.one(answer), status);
}
