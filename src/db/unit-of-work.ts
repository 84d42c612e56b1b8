import { NeonDbError } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./client";
import { isSqlstate } from "./neon-answer";

/** A handle on one statement's result, readable after a successful commit. */
export class Pending<T> {
  declare readonly __result?: T;
  /** `index`: the statement's place in the batch. */
  constructor(readonly index: number) {}
}

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
// records its own (pipelines/write.ts), so it says so before its first write.
const API_WRITER = sql`select set_config('edge.writer', 'api', true)`;

/** An error that is an answer from Postgres: the batch was rolled back, definitely. */
function isDatabaseAnswer(err: unknown): err is NeonDbError {
  return err instanceof NeonDbError && isSqlstate(err.code);
}

interface Entry {
  query: BatchItem<"pg">;
  pending: Pending<unknown>;
}

/**
 * Collects a write's statements and sends them as one `db.batch`: one HTTP request that Postgres
 * runs as one transaction, in the order they were added. Nothing is sent until `commit()`, so a
 * handler that throws first has written nothing; a statement that fails rolls back the whole
 * batch. It keeps statements, what they change, and results: nothing else.
 */
export class UnitOfWork {
  #entries: Entry[] = [];
  #results: unknown[] | undefined;
  #changed = new Set<DataSet>();

  constructor(readonly db: Db) {}

  add<Q extends BatchItem<"pg">>(query: Q): Pending<Q["_"]["result"]> {
    if (this.#results) throw new Error("unit of work already committed");
    const pending = new Pending<Q["_"]["result"]>(this.#entries.length);
    this.#entries.push({ query, pending });
    return pending;
  }

  /** Records which data the pending statements change. */
  changed(...data: readonly DataSet[]): void {
    for (const d of data) this.#changed.add(d);
  }

  get changes(): readonly DataSet[] {
    return [...this.#changed];
  }

  /**
   * Sends the batch. A deadlock or serialization failure rolled everything back, so the batch is
   * sent again (each try is one round trip); any other Postgres error is thrown as it is; no
   * answer at all becomes an OutcomeUnknownError.
   */
  async commit(): Promise<void> {
    if (this.#results) throw new Error("unit of work already committed");
    const queries = this.#entries.map((e) => e.query);
    if (queries.length === 0) {
      this.#results = [];
      return;
    }
    for (let tries = 1; ; tries++) {
      try {
        this.#results = (await this.db.batch([this.db.execute(API_WRITER), ...queries])).slice(1);
        return;
      } catch (err) {
        if (isDatabaseAnswer(err)) {
          if (RETRYABLE.has(err.code ?? "") && tries < MAX_TRIES) continue;
          throw err;
        }
        throw new OutcomeUnknownError("the database did not answer the write", { cause: err });
      }
    }
  }

  /** The one row a statement returned (a write's answer row); none is a bug in that statement. */
  one<R>(pending: Pending<{ rows: R[] }>): R {
    const row = this.result(pending).rows[0];
    if (row === undefined) throw new Error("the statement returned no row");
    return row;
  }

  result<T>(pending: Pending<T>): T {
    if (!this.#results) throw new Error("unit of work not committed yet");
    return this.#results[pending.index] as T;
  }
}
