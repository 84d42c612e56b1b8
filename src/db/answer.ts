import { type SQL, sql } from "drizzle-orm";
import { toEtag } from "../lib/conditional";
import type { JsonText } from "./sql-json";

/**
 * The row a write's answer statement returns: the response body as JSON text, and the ETag
 * (bare version) and Location it comes with ("" for none).
 */
export interface AnswerRow<T> {
  [column: string]: unknown;
  body: JsonText<T>;
  etag: string;
  location: string;
}

/**
 * The select list of a write's answer statement. The values are also kept in transaction-local
 * settings, so a later statement of the same batch (the Idempotency-Key record) can store the
 * very answer this write gives, in the same transaction as the write.
 */
export function answerColumns(answer: { body: SQL; etag?: SQL; location?: SQL }): SQL {
  return sql`set_config('edge.answer_body', (${answer.body})::text, true) as body,
    set_config('edge.answer_etag', coalesce(${answer.etag ?? sql`null`}, ''), true) as etag,
    set_config('edge.answer_location', coalesce(${answer.location ?? sql`null`}, ''), true) as location`;
}

/** What a committed write answers, and what an Idempotency-Key replay answers again. */
export interface Answer {
  status: 200 | 201 | 202;
  body: string;
  etag: string | null;
  location: string | null;
}

export function answerHeaders(answer: Pick<Answer, "etag" | "location">): Record<string, string> {
  const headers: Record<string, string> = {};
  if (answer.location) headers.Location = answer.location;
  if (answer.etag) headers.ETag = toEtag(answer.etag);
  return headers;
}
