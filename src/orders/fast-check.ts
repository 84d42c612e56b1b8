import type { z } from "@hono/zod-openapi";
import { MAX_INT4 } from "../schemas/common";
import { type FastCheck, intList, objectWith } from "../schemas/fast-batch";
import { MAX_ORDER_LINES, type OrderInputSchema } from "./schema";

// A plain check of a batch item for the fast path (schemas/fast-batch.ts): it accepts a subset
// of what its zod schema accepts and returns what the schema would. Anything unusual is left to
// zod; test/node/fast-checks.test.ts holds it to its schema.

const ORDER_KEYS = new Set(["product_ids", "amounts", "created_at", "updated_at", "total", "products", "order_id"]);

export const fastOrderInput: FastCheck<z.output<typeof OrderInputSchema>> = (item) => {
  if (!objectWith(item, ORDER_KEYS)) return undefined;
  const { product_ids: ids, amounts } = item;
  if (!intList(ids, 1, Number.MAX_SAFE_INTEGER, MAX_ORDER_LINES)) return undefined;
  if (!intList(amounts, 1, MAX_INT4, MAX_ORDER_LINES) || ids.length !== amounts.length) return undefined;
  return { ...item, product_ids: [...ids], amounts: [...amounts] };
};
