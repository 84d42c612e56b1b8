import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AnswerRow } from "../db/answer";
import type { Pending } from "../db/unit-of-work";
import { storedAnswer } from "./db-errors";
import { type JsonResponse, sendAnswer, sendReplay } from "./respond";
import type { AppEnv } from "./types";

/**
 * The end of every write handler: commits the request's unit of work and answers with the row
 * of its answer statement. When the batch was refused because its Idempotency-Key already
 * committed a write, the answer is that write's stored answer instead, replayed.
 */
export async function commitAndAnswer<T, S extends ContentfulStatusCode>(
  c: Context<AppEnv>,
  answer: Pending<{ rows: AnswerRow<T>[] }>,
  status: S,
): Promise<JsonResponse<T, S>> {
  const uow = c.var.uow;
  try {
    await uow.commit(status);
  } catch (err) {
    const stored = storedAnswer(err);
    if (!stored) throw err;
    // The same route answered it, with the same status and the same shape.
    return sendReplay(c, stored) as JsonResponse<T, S>;
  }
  return sendAnswer(c, uow.one(answer), status);
}
