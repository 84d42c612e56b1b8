import { NeonDbError } from "@neondatabase/serverless";
import { z } from "zod";
import type { Answer } from "../db/answer";
import { DOMAIN_CODES, type DomainCode, REPLAY } from "../db/guards";
import { isSqlstate, NotPostgresAnswerError } from "../db/neon-answer";
import { OutcomeUnknownError } from "../db/unit-of-work";
import { RESOURCE_NAMES, type Resource } from "../resources";
import { problem } from "./catalogue";
import type { ApiError } from "./problem";

/**
 * The errors a failure is made of, outermost first: drizzle wraps the driver's error (its message
 * carries SQL and params), and the driver keeps what its fetch threw as `sourceError`.
 */
function links(err: unknown): unknown[] {
  const found: unknown[] = [];
  for (let e: unknown = err; typeof e === "object" && e !== null && found.length < 6; ) {
    found.push(e);
    e = e instanceof NeonDbError && e.sourceError ? e.sourceError : (e as { cause?: unknown }).cause;
  }
  return found;
}

function findNeonError(err: unknown): NeonDbError | undefined {
  return links(err).find((e): e is NeonDbError => e instanceof NeonDbError);
}

/** The SQLSTATE of raise_domain (migration 0003): its message is a domain code, its DETAIL the facts. */
const DOMAIN_SQLSTATE = "UD000";

/** What SQL guards know about a failure (raise_domain's DETAIL), in the database's own terms. */
const DomainFactsSchema = z.object({
  resource: z.enum(RESOURCE_NAMES).optional(),
  id: z.union([z.number(), z.string()]).optional(),
  ids: z.array(z.union([z.number(), z.string()])).optional(),
  /** The request field at fault, when there is one. */
  field: z.string().optional(),
});

/** raise_domain's facts, read with `schema`; undefined when they do not fit it. */
function facts<T>(e: NeonDbError, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(e.detail ?? "{}"));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A write's answer as stored for its Idempotency-Key's replays. */
const StoredAnswerSchema = z.object({
  status: z.union([z.literal(200), z.literal(201), z.literal(202)]),
  body: z.string(),
  etag: z.string().nullable(),
  location: z.string().nullable(),
});

/** The stored answer of a retried write whose Idempotency-Key already committed, if that is what failed the batch. */
export function storedAnswer(err: unknown): Answer | undefined {
  const e = findNeonError(err);
  if (e?.code !== DOMAIN_SQLSTATE || e.message !== REPLAY) return undefined;
  return facts(e, StoredAnswerSchema);
}

const isDomainCode = (code: string): code is DomainCode => (DOMAIN_CODES as readonly string[]).includes(code);

/**
 * The foreign keys a write can break, by constraint name (drizzle/0000_init.sql): the resource
 * whose row holds the reference, the column, and the resource it names. A product still named by
 * an order line cannot be deleted (ON DELETE RESTRICT); an order's lines go with it.
 */
const FOREIGN_KEYS: Record<string, { from: Resource; column: string; to: Resource }> = {
  orders_products_product_id_products_id_fk: { from: "order_line", column: "product_id", to: "product" },
  orders_products_order_id_orders_id_fk: { from: "order_line", column: "order_id", to: "order" },
};

/** The key a key violation's DETAIL is about, which Postgres words `Key (<columns>)=(<values>) …`. */
function violatedKey(detail: string | undefined): { columns: string; value: string } {
  const m = detail?.match(/^Key \(([^)]+)\)=\(([^)]*)\)/);
  return { columns: m?.[1] ?? "", value: m?.[2] ?? "" };
}

/**
 * Maps a database failure to the problem the client should see, by SQLSTATE and constraint, or
 * undefined when it is an unexpected failure (a 500 whose details go only to the log).
 */
export function apiErrorFromDb(err: unknown, timeoutMs: number): ApiError | undefined {
  if (err instanceof OutcomeUnknownError) return problem("outcome_unknown");
  const chain = links(err);
  const e = chain.find((link): link is NeonDbError => link instanceof NeonDbError);
  if (!e || !isSqlstate(e.code)) {
    // No SQLSTATE: no answer from Postgres reached the driver. The fetch failed or passed its
    // deadline (the driver keeps why), or the endpoint answered something else (neon-answer.ts).
    if (chain.some((link) => link instanceof DOMException && link.name === "TimeoutError")) {
      return problem("db_timeout", { ms: timeoutMs });
    }
    return e?.sourceError || chain.some((link) => link instanceof NotPostgresAnswerError)
      ? problem("db_unreachable")
      : undefined;
  }
  const code = e.code;
  if (code === DOMAIN_SQLSTATE && isDomainCode(e.message)) {
    return problem(e.message, facts(e, DomainFactsSchema) ?? {});
  }
  const fk = FOREIGN_KEYS[e.constraint ?? ""];
  if (fk && (code === "23001" || code === "23503")) {
    // Both directions break the same constraint, and PostgreSQL answers ON DELETE RESTRICT with
    // 23503 too (PGlite with 23001): the key in DETAIL tells them apart. The referencing column
    // is a write naming a row that does not exist; the referenced one, a row still referenced.
    const key = violatedKey(e.detail);
    return key.columns === fk.column
      ? problem("missing_reference", { column: fk.column, id: key.value })
      : problem("still_referenced", { resource: fk.to, id: key.value, by: fk.from });
  }
  if (code === "23505") return problem("duplicate");
  if (code === "40001" || code === "40P01") return problem("write_conflict");
  if (code.startsWith("08") || code === "57P01" || code === "53300") return problem("db_unreachable");
  // Data exceptions (class 22) and integrity rules (class 23) come from what was sent: the
  // request's fault, never a 500.
  if (code.startsWith("22") || code.startsWith("23")) return problem("data_rule");
  if (code === "54000") return problem("too_large_for_db");
  return undefined;
}
