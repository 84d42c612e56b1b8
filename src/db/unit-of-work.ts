import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./client";

/** A handle on one statement's result, readable after a successful commit. */
export interface Pending<T> {
  readonly index: number;
  readonly __result?: T;
}

type Hook = () => void | Promise<void>;

/** What a write changed, in the terms cached reads depend on (see middleware/cache.ts). */
export type Table = "products" | "orders" | "lines";

/**
 * Collects a request's writes and sends them as one `db.batch`: one HTTP request that Postgres
 * runs as one transaction. Nothing is sent until `commit()`, so a handler that throws first
 * has written nothing; a statement that fails rolls back the whole batch.
 */
export class UnitOfWork {
  #items: BatchItem<"pg">[] = [];
  #results: unknown[] | undefined;
  #afterCommit: Hook[] = [];
  #touched = new Set<Table>();

  constructor(readonly db: Db) {}

  add<Q extends BatchItem<"pg">>(query: Q): Pending<Q["_"]["result"]> {
    if (this.#results) throw new Error("unit of work already committed");
    this.#items.push(query);
    return { index: this.#items.length - 1 };
  }

  /** Records the tables the pending statements change; after-commit hooks read them. */
  touch(...tables: Table[]): void {
    for (const t of tables) this.#touched.add(t);
  }

  get touched(): readonly Table[] {
    return [...this.#touched];
  }

  /** Runs only once the batch has committed (cache invalidation, idempotency records). */
  afterCommit(hook: Hook): void {
    this.#afterCommit.push(hook);
  }

  get size(): number {
    return this.#items.length;
  }

  async commit(): Promise<void> {
    if (this.#results) throw new Error("unit of work already committed");
    const [first, ...rest] = this.#items;
    this.#results = first ? await this.db.batch([first, ...rest]) : [];
    const hooks = this.#afterCommit;
    this.#afterCommit = [];
    for (const hook of hooks) await hook();
  }

  result<T>(pending: Pending<T>): T {
    if (!this.#results) throw new Error("unit of work not committed yet");
    return this.#results[pending.index] as T;
  }
}
