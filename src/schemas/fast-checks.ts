import type { z } from "@hono/zod-openapi";
import type { FastCheck } from "../lib/fast-batch";
import { WELL_FORMED } from "../lib/utf8";
import { MAX_INT4, MAX_MONEY, MONEY_FORM } from "./common";
import type { OrderLineInputSchema } from "./order-lines";
import { MAX_ORDER_LINES, type OrderInputSchema } from "./orders";
import { NO_CONTROL_CHARACTERS, type ProductInputSchema } from "./products";

// Plain checks of batch items for the fast path (lib/fast-batch.ts): each accepts a subset of
// what its zod schema accepts and returns what the schema would. Anything unusual is left to zod.

type Fields = Record<string, unknown>;

/** A JSON object whose keys are all among `allowed` (the schemas are strict). */
function objectWith(value: unknown, allowed: ReadonlySet<string>): value is Fields {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  for (const key of Object.keys(value)) if (!allowed.has(key)) return false;
  return true;
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;

const isMoney = (v: unknown): v is number =>
  typeof v === "number" && v >= 0 && v <= MAX_MONEY && MONEY_FORM.test(String(v));

/** Integers within [min, max], one per line of an order. */
function intList(v: unknown, min: number, max: number): v is number[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > MAX_ORDER_LINES) return false;
  for (const x of v) if (!isInt(x, min, max)) return false;
  return true;
}

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

const ORDER_KEYS = new Set(["product_ids", "amounts", "created_at", "updated_at", "total", "products", "order_id"]);

export const fastOrderInput: FastCheck<z.output<typeof OrderInputSchema>> = (item) => {
  if (!objectWith(item, ORDER_KEYS)) return undefined;
  const { product_ids: ids, amounts } = item;
  if (!intList(ids, 1, Number.MAX_SAFE_INTEGER) || !intList(amounts, 1, MAX_INT4)) return undefined;
  if (ids.length !== amounts.length) return undefined;
  return { ...item, product_ids: [...ids], amounts: [...amounts] };
};

const LINE_KEYS = new Set(["order_id", "product_id", "amount", "unit_price", "unit_cost", "created_at", "id"]);

export const fastOrderLineInput: FastCheck<z.output<typeof OrderLineInputSchema>> = (item) => {
  if (!objectWith(item, LINE_KEYS)) return undefined;
  const { order_id, product_id, amount } = item;
  if (!isInt(order_id, 1, Number.MAX_SAFE_INTEGER) || !isInt(product_id, 1, Number.MAX_SAFE_INTEGER)) return undefined;
  if (!isInt(amount, 1, MAX_INT4)) return undefined;
  return { ...item, order_id, product_id, amount };
};
