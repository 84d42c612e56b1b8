import { NeonDbError } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./client";
import { isSqlstate } from "./neon-answer";

/** A handle on one statement's result, readable after a successful commit. */
export class Pending<T> {
  /** The statement's place in the batch, known once the batch is assembled. */
  index: number | undefined;
  declare readonly __result?: T;
}

type Hook = (uow: UnitOfWork) => void | Promise<void>;

/** The data a write can change: what cached reads depend on, named once for both. */
export type DataSet = "products" | "orders" | "order_lines";

/**
 * The database may have committed the batch, or not: the request was sent and no answer came
 * back (a time-out, a connection lost, a gateway error). Only Postgres can tell, later.
 */
export class OutcomeUnknownError extends Error {
  override readonly name = "OutcomeUnknownError";
}

// Postgres aborted the transaction and nothing of it was committed, so the whole batch may run
// again: serialization failure and deadlock.
const RETRYABLE = new Set(["40001", "40P01"]);
const MAX_TRIES = 3;

// Writes made behind the API get their cache outbox row from a trigger (drizzle/0011); a batch
// records its own (cache/after-write.ts), so it says so before its first write.
const API_WRITER = sql`select set_config('edge.writer', 'api', true)`;

/** An error that is an answer from Postgres: the batch was rolled back, definitely. */
export function isDatabaseAnswer(err: unknown): err is NeonDbError {
  return err instanceof NeonDbError && isSqlstate(err.code);
}

interface Entry {
  query: BatchItem<"pg">;
  pending: Pending<unknown>;
}

/**
 * Collects a request's writes and sends them as one `db.batch`: one HTTP request that Postgres
 * runs as one transaction. Nothing is sent until `commit()`, so a handler that throws first has
 * written nothing; a statement that fails rolls back the whole batch.
 *
 * Other concerns join a write through events rather than through this class: `beforeCommit`
 * hooks may add statements of their own at the head or the tail of the batch (the idempotency
 * key, the cache outbox), `afterCommit` hooks run once the batch committed, and
 * `onOutcomeUnknown` hooks when nobody can tell whether it did.
 */
export class UnitOfWork {
  #head: Entry[] = [];
  #body: Entry[] = [];
  #tail: Entry[] = [];
  #results: unknown[] | undefined;
  #changed = new Set<DataSet>();
  #before: Hook[] = [];
  #after: Hook[] = [];
  #unknown: Hook[] = [];
  /** The HTTP status the write answers with once committed (set by `commit`). */
  status = 200;

  constructor(readonly db: Db) {}

  add<Q extends BatchItem<"pg">>(query: Q, place: "head" | "body" | "tail" = "body"): Pending<Q["_"]["result"]> {
    if (this.#results) throw new Error("unit of work already committed");
    const pending = new Pending<Q["_"]["result"]>();
    ({ head: this.#head, body: this.#body, tail: this.#tail })[place].push({ query, pending });
    return pending;
  }

  /** Records which data the pending statements change. */
  changed(...data: readonly DataSet[]): void {
    for (const d of data) this.#changed.add(d);
  }

  get changes(): readonly DataSet[] {
    return [...this.#changed];
  }

  beforeCommit(hook: Hook): void {
    this.#before.push(hook);
  }

  afterCommit(hook: Hook): void {
    this.#after.push(hook);
  }

  onOutcomeUnknown(hook: Hook): void {
    this.#unknown.push(hook);
  }

  /**
   * Sends the batch. A deadlock or serialization failure rolled everything back, so the batch is
   * sent again (each try is one round trip); any other Postgres error is thrown as it is; no
   * answer at all becomes an OutcomeUnknownError.
   */
  async commit(status: number): Promise<void> {
    if (this.#results) throw new Error("unit of work already committed");
    this.status = status;
    for (const hook of this.#before) await hook(this);
    const entries = [...this.#head, ...this.#body, ...this.#tail];
    entries.forEach((e, i) => {
      e.pending.index = i;
    });
    const queries = entries.map((e) => e.query);
    if (queries.length === 0) {
      this.#results = [];
    } else {
      for (let tries = 1; ; tries++) {
        try {
          this.#results = (await this.db.batch([this.db.execute(API_WRITER), ...queries])).slice(1);
          break;
        } catch (err) {
          if (isDatabaseAnswer(err)) {
            if (RETRYABLE.has(err.code ?? "") && tries < MAX_TRIES) continue;
            throw err;
          }
          for (const hook of this.#unknown) await hook(this);
          throw new OutcomeUnknownError("the database did not answer the write", { cause: err });
        }
      }
    }
    for (const hook of this.#after) await hook(this);
  }

  /** The one row a statement returned (a write's answer row); none is a bug in that statement. */
  one<R>(pending: Pending<{ rows: R[] }>): R {
    const row = this.result(pending).rows[0];
    if (row === undefined) throw new Error("the statement returned no row");
    return row;
  }

  result<T>(pending: Pending<T>): T {
    const index = pending.index;
    if (!this.#results || index === undefined) throw new Error("unit of work not committed yet");
    return this.#results[index] as T;
  }
}
