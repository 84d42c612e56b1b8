import { sql } from "drizzle-orm";
import { raise } from "../db/guards";

export interface KeyClaim {
  principal: string;
  keyHash: string;
  /** The request's id, kept for the logs; a client may send the same one again on a retry. */
  requestId: string;
  /** Drawn by the Worker for this attempt: the claim is this attempt's only if the row holds it. */
  attempt: string;
  fingerprint: string;
}

// At least this long; the scheduled handler deletes expired keys.
const KEY_TTL_HOURS = 24;

/**
 * The first statement of a write with an Idempotency-Key: claims the key, or fails the batch
 * before anything else runs. A key another transaction holds makes this wait for it; once that
 * one committed, the stored answer comes back as an `idempotency_replay` error (so a retry after
 * a lost answer learns the first outcome), and a different request under the key is refused.
 * The no-op update is what returns the committed row, which this statement's snapshot may not see.
 * Only the attempt token tells a row this statement inserted from one a retry finds: a request
 * id comes from the client, who may repeat it.
 */
export const claimKey = (k: KeyClaim) => sql`
  with claim as (
    insert into idempotency_keys as k (principal, key_hash, request_id, attempt, fingerprint, expires_at)
    values (${k.principal}, ${k.keyHash}, ${k.requestId}, ${k.attempt}, ${k.fingerprint},
            now() + ${`${KEY_TTL_HOURS} hours`}::interval)
    on conflict (principal, key_hash) do update set attempt = k.attempt
    returning k.attempt, k.fingerprint, k.status, k.body, k.etag, k.location
  )
  select case
    when c.attempt = ${k.attempt} then 0
    when c.fingerprint <> ${k.fingerprint} then ${raise("idempotency_key_reused", {})}
    else ${raise(
      "idempotency_replay",
      sql`jsonb_build_object('status', c.status, 'body', c.body, 'etag', c.etag, 'location', c.location)`,
    )}
  end as ok
  from claim c`;

/** The last statement: stores the answer the write's answer statement gave, in the same transaction. */
export const sealKey = (k: KeyClaim, status: number) => sql`
  update idempotency_keys
  set status = ${status}, body = current_setting('edge.answer_body'),
      etag = nullif(current_setting('edge.answer_etag', true), ''),
      location = nullif(current_setting('edge.answer_location', true), '')
  where principal = ${k.principal} and key_hash = ${k.keyHash}`;

/** Deletes expired keys, a bounded number at a time. */
export const deleteExpiredKeys = (limit: number) => sql`
  delete from idempotency_keys where ctid in (
    select ctid from idempotency_keys where expires_at < now() limit ${limit})`;
