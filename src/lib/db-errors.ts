import { NeonDbError } from "@neondatabase/serverless";
import { ApiError } from "./problem";

/** drizzle wraps driver errors (its message carries SQL and params); find the driver's own. */
function findNeonError(err: unknown): NeonDbError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof NeonDbError || e.name === "NeonDbError") return e as NeonDbError;
  }
  return undefined;
}

// `Key (product_id)=(99) is not present in table "products".`
function describeKey(detail: string | undefined): string | undefined {
  const m = detail?.match(/^Key \(([^)]+)\)=\(([^)]*)\)/);
  return m ? `${m[1]} ${m[2]}` : undefined;
}

const RESOURCE_NAMES: Record<string, string> = { products: "Product", orders: "Order", orders_products: "Order line" };
const REFERENCE_NAMES: Record<string, string> = { orders_products: "order lines", orders: "orders" };

/**
 * Maps a database failure to the API error the client should see, or undefined when it is
 * an unexpected failure (a 500 whose details go only to the log).
 */
export function apiErrorFromDb(err: unknown): ApiError | undefined {
  const e = findNeonError(err);
  if (!e) return undefined;
  const code = e.code ?? "";
  // Statements raise `UAnnn` through api_error() (see drizzle/) to fail a write with an API
  // status from inside SQL, so guards cost no extra round trip.
  const raised = code.match(/^UA(\d{3})$/);
  if (raised) {
    const field = e.hint;
    return new ApiError(
      Number(raised[1]),
      e.message,
      field ? { errors: [{ path: field, message: e.message, code: "not_found" }] } : {},
    );
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
    case "23502":
    case "23514":
    case "22003":
    case "22P02":
    case "22007":
    case "22008":
      return new ApiError(422, "The data breaks a rule of the database");
    case "40001":
    case "40P01":
      return new ApiError(409, "The write conflicted with a concurrent write; retry it", {
        headers: { "Retry-After": "1" },
      });
    case "":
    case undefined:
      // No SQLSTATE: the driver could not reach the database or got a non-Postgres error.
      if (/^(Error connecting to database|Server error \(HTTP status 5)/.test(e.message)) {
        return new ApiError(503, "The database cannot be reached; retry shortly", {
          headers: { "Retry-After": "5" },
        });
      }
      return undefined;
    default:
      if (code.startsWith("08") || code === "57P01" || code === "53300") {
        return new ApiError(503, "The database cannot be reached; retry shortly", {
          headers: { "Retry-After": "5" },
        });
      }
      return undefined;
  }
}
