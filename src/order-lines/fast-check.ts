import type { z } from "@hono/zod-openapi";
import { MAX_INT4 } from "../schemas/common";
import { type FastCheck, isInt, objectWith } from "../schemas/fast-batch";
import type { OrderLineInputSchema } from "./schema";

// A plain check of a batch item for the fast path (schemas/fast-batch.ts): it accepts a subset
// of what its zod schema accepts and returns what the schema would. Anything unusual is left to
// zod; test/node/fast-checks.test.ts holds it to its schema.

const LINE_KEYS = new Set(["order_id", "product_id", "amount", "unit_price", "unit_cost", "created_at", "id"]);

export const fastOrderLineInput: FastCheck<z.output<typeof OrderLineInputSchema>> = (item) => {
  if (!objectWith(item, LINE_KEYS)) return undefined;
  const { order_id, product_id, amount } = item;
  if (!isInt(order_id, 1, Number.MAX_SAFE_INTEGER) || !isInt(product_id, 1, Number.MAX_SAFE_INTEGER)) return undefined;
  if (!isInt(amount, 1, MAX_INT4)) return undefined;
  return { ...item, order_id, product_id, amount };
};
