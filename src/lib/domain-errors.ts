import { z } from "zod";
import { ApiError } from "./problem";

const ResourceSchema = z.enum(["product", "order", "order_line"]);
export type Resource = z.infer<typeof ResourceSchema>;

/** What SQL guards know about a failure (raise_domain's DETAIL), in the database's own terms. */
export const DomainFactsSchema = z.object({
  resource: ResourceSchema.optional(),
  id: z.union([z.number(), z.string()]).optional(),
  ids: z.array(z.union([z.number(), z.string()])).optional(),
  /** The request field at fault, when there is one. */
  field: z.string().optional(),
});
export type DomainFacts = z.infer<typeof DomainFactsSchema>;

const NAMES: Record<Resource, { one: string; ids: string }> = {
  product: { one: "Product", ids: "product ids" },
  order: { one: "Order", ids: "order ids" },
  order_line: { one: "Order line", ids: "order line ids" },
};

const name = (f: DomainFacts) => NAMES[f.resource ?? "product"];

/**
 * Every domain error a write can raise, and what the client sees for it: the one place where
 * domain codes meet HTTP statuses, field error codes and messages.
 */
const DOMAIN_ERRORS = {
  not_found: (f: DomainFacts) => new ApiError(404, `${name(f).one} ${f.id} does not exist`),
  unknown_ids: (f: DomainFacts) => {
    const message = `Unknown ${name(f).ids}: ${(f.ids ?? []).join(", ")}`;
    return new ApiError(422, message, { errors: [{ path: f.field ?? "body", message, code: "not_found" }] });
  },
  version_mismatch: (f: DomainFacts) =>
    new ApiError(412, `${name(f).one} ${f.id} has changed since the ETag in If-Match`),
  // RFC 9110 §13.1.1: `If-Match: *` is false when there is no current representation.
  missing_for_if_match: (f: DomainFacts) =>
    new ApiError(412, `${name(f).one} ${f.id} does not exist, and If-Match requires a current one`),
  idempotency_key_reused: () => new ApiError(422, "This Idempotency-Key was already used with a different request"),
} satisfies Record<string, (facts: DomainFacts) => ApiError>;

export type DomainCode = keyof typeof DOMAIN_ERRORS;

/**
 * Not an error for the client: a retry whose Idempotency-Key already committed a write. Its
 * facts are the stored answer, which the write answers again.
 */
export const REPLAY = "idempotency_replay";

export function isDomainCode(code: string): code is DomainCode {
  return Object.hasOwn(DOMAIN_ERRORS, code);
}

export function domainError(code: DomainCode, facts: DomainFacts): ApiError {
  return DOMAIN_ERRORS[code](facts);
}
