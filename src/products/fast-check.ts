import type { z } from "@hono/zod-openapi";
import { WELL_FORMED } from "../lib/utf8";
import { MAX_INT4 } from "../schemas/common";
import { type FastCheck, isInt, isMoney, objectWith } from "../schemas/fast-batch";
import { NO_CONTROL_CHARACTERS, type ProductInputSchema } from "./schema";

// A plain check of a batch item for the fast path (schemas/fast-batch.ts): it accepts a subset
// of what its zod schema accepts and returns what the schema would. Anything unusual is left to
// zod; test/node/fast-checks.test.ts holds it to its schema.

const PRODUCT_KEYS = new Set(["product_name", "price", "cost", "stock", "created_at", "updated_at", "id"]);

/** A name already trimmed (a name with spaces around it is left to zod, which trims it). */
export const fastProductInput: FastCheck<z.output<typeof ProductInputSchema>> = (item) => {
  if (!objectWith(item, PRODUCT_KEYS)) return undefined;
  const name = item.product_name;
  if (typeof name !== "string" || name.length < 1 || name.length > 255 || name !== name.trim()) return undefined;
  if (!NO_CONTROL_CHARACTERS.test(name) || !WELL_FORMED.test(name)) return undefined;
  if (!isMoney(item.price) || !isMoney(item.cost) || !isInt(item.stock, 0, MAX_INT4)) return undefined;
  return { ...item, product_name: name, price: item.price, cost: item.cost, stock: item.stock };
};
