import type { Context, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { JSONParsed } from "hono/utils/types";
import { type Answer, type AnswerRow, answerHeaders } from "../db/answer";
import type { JsonText } from "../db/sql-json";

export type JsonResponse<T, S extends ContentfulStatusCode> = Response & TypedResponse<JSONParsed<T>, S, "json">;

/**
 * Sends JSON text built by Postgres as it is, typed like `c.json(value)` would be, so routes keep
 * their typed responses (OpenAPI, hono/client) without the Worker parsing and re-serialising.
 */
export function sendJson<T, S extends ContentfulStatusCode>(
  c: Context,
  body: JsonText<T>,
  status: S,
  headers: Record<string, string> = {},
): JsonResponse<T, S> {
  // The one place a Response is declared to carry T: the text was built from T's shape in SQL.
  return c.body(body, status, { ...headers, "Content-Type": "application/json" }) as unknown as JsonResponse<T, S>;
}

/** Sends the answer row of a committed write with its status, ETag and Location. */
export function sendAnswer<T, S extends ContentfulStatusCode>(c: Context, row: AnswerRow<T>, status: S) {
  return sendJson(c, row.body, status, answerHeaders(row));
}

/** Sends a stored answer again: the first outcome of an Idempotency-Key, marked as a replay. */
export function sendReplay(c: Context, answer: Answer): Response {
  return c.body(answer.body, answer.status, {
    ...answerHeaders(answer),
    "Content-Type": "application/json",
    "Idempotent-Replayed": "true",
  });
}
