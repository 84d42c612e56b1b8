import { NeonDbError } from "@neondatabase/serverless";
import { z } from "zod";
import { isSqlstate, NotPostgresAnswerError } from "../db/neon-answer";
import { OutcomeUnknownError } from "../db/unit-of-work";
import { DomainFactsSchema, domainError, isDomainCode, REPLAY } from "./domain-errors";
import { ApiError } from "./problem";
import type { Answer } from "./respond";

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

const DOMAIN_SQLSTATE = "UD000";

/** raise_domain's facts, read with `schema`; undefined when they do not fit it. */
function facts<T>(e: NeonDbError, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(e.detail ?? "{}"));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A write's answer as stored for its Idempotency-Key's replays (in Postgres, and in Redis when done). */
export const StoredAnswerSchema = z.object({
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

// `Key (product_id)=(99) is not present in table "products".`
function describeKey(detail: string | undefined): string | undefined {
  const m = detail?.match(/^Key \(([^)]+)\)=\(([^)]*)\)/);
  return m ? `${m[1]} ${m[2]}` : undefined;
}

const RESOURCE_NAMES: Record<string, string> = { products: "Product", orders: "Order", orders_products: "Order line" };
const REFERENCE_NAMES: Record<string, string> = { orders_products: "order lines", orders: "orders" };

const unreachable = (detail: string) => new ApiError(503, detail, { headers: { "Retry-After": "5" } });

/**
 * Maps a database failure to the API error the client should see, or undefined when it is
 * an unexpected failure (a 500 whose details go only to the log).
 */
export function apiErrorFromDb(err: unknown, timeoutMs: number): ApiError | undefined {
  if (err instanceof OutcomeUnknownError) {
    return new ApiError(
      503,
      "The write was sent but the database's answer never arrived, so its outcome is unknown. Retry it with the same Idempotency-Key to learn the outcome, or read the resource first.",
      { headers: { "Retry-After": "5" } },
    );
  }
  const chain = links(err);
  const e = chain.find((link): link is NeonDbError => link instanceof NeonDbError);
  if (!e || !isSqlstate(e.code)) {
    // No SQLSTATE: no answer from Postgres reached the driver. The fetch failed or passed its
    // deadline (the driver keeps why), or the endpoint answered something else (neon-answer.ts).
    if (chain.some((link) => link instanceof DOMException && link.name === "TimeoutError")) {
      return unreachable(`The database did not answer within ${timeoutMs} ms; retry shortly`);
    }
    return e?.sourceError || chain.some((link) => link instanceof NotPostgresAnswerError)
      ? unreachable("The database cannot be reached; retry shortly")
      : undefined;
  }
  const code = e.code;
  if (code === DOMAIN_SQLSTATE && isDomainCode(e.message)) {
    return domainError(e.message, facts(e, DomainFactsSchema) ?? {});
  }
  switch (code) {
    case "23001":
    case "23503": {
      // "update or delete on table "products" violates … on table "orders_products"" means the
      // row is still referenced; "insert or update on …" means the write names a missing row.
      const tables = [...e.message.matchAll(/table "([^"]+)"/g)].map((m) => m[1] ?? "");
      const value = e.detail?.match(/^Key \([^)]+\)=\(([^)]*)\)/)?.[1];
      if (e.message.startsWith("update or delete")) {
        const [target = "", referencing = ""] = tables;
        return new ApiError(
          409,
          `${RESOURCE_NAMES[target] ?? target} ${value ?? ""} is still referenced by ${REFERENCE_NAMES[referencing] ?? referencing}`.replace(
            "  ",
            " ",
          ),
        );
      }
      return new ApiError(422, `${describeKey(e.detail) ?? "A referenced resource"} does not exist`);
    }
    case "23505":
      return new ApiError(409, `${describeKey(e.detail) ?? "The value"} already exists`);
    case "40001":
    case "40P01":
      return new ApiError(409, "The write conflicted with a concurrent write; retry it", {
        headers: { "Retry-After": "1" },
      });
    default:
      if (code.startsWith("08") || code === "57P01" || code === "53300") {
        return unreachable("The database cannot be reached; retry shortly");
      }
      // Data exceptions (class 22) and integrity rules (class 23) come from what was sent: the
      // request's fault, never a 500.
      if (code.startsWith("22") || code.startsWith("23")) {
        return new ApiError(422, "The data breaks a rule of the database");
      }
      if (code === "54000") return new ApiError(413, "The request is too large for the database");
      return undefined;
  }
}
