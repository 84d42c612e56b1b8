import { describe, expect, it } from "vitest";
import { fastOrderLineInput } from "../../src/order-lines/fast-check";
import { OrderLineInputSchema } from "../../src/order-lines/schema";
import { fastOrderInput } from "../../src/orders/fast-check";
import { OrderInputSchema } from "../../src/orders/schema";
import { fastProductInput } from "../../src/products/fast-check";
import { ProductInputSchema } from "../../src/products/schema";
import { batchOf, MAX_INT4, MAX_MONEY } from "../../src/schemas/common";
import { withFastItems } from "../../src/schemas/fast-batch";

// The fast path of batch validation must never accept what zod refuses, nor answer anything else
// than zod would: every check is held here to its schema, on ordinary items (which it must take,
// or it is useless) and on every kind of odd value (which it may take only as zod does).

const ODD: unknown[] = [
  undefined,
  null,
  true,
  0,
  -0,
  -1,
  1.5,
  0.29,
  0.291,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  MAX_INT4,
  MAX_INT4 + 1,
  MAX_MONEY,
  MAX_MONEY + 0.01,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  "",
  " ",
  "1",
  " Desk ",
  "Desk\u0000",
  "Desk\u0085",
  "\u00a0Desk",
  "a\ud800b",
  "\udc80",
  "Chair \ud83e\ude91",
  "a\ufffdb",
  "x".repeat(255),
  "x".repeat(256),
  [],
  [1],
  {},
];

/** Every item with one field replaced by each odd value, and with one field removed or added. */
function variants(valid: Record<string, unknown>): unknown[] {
  const out: unknown[] = [valid, ...ODD];
  for (const key of Object.keys(valid)) {
    for (const odd of ODD) out.push({ ...valid, [key]: odd });
    const { [key]: _, ...without } = valid;
    out.push(without);
  }
  for (const extra of ["id", "order_id", "created_at", "total", "products", "unit_price", "unknown", "__proto__"]) {
    out.push(JSON.parse(JSON.stringify({ ...valid }).replace(/^\{/, `{"${extra}":1,`)));
  }
  return out;
}

function holdsTo(check: (item: unknown) => unknown, schema: { safeParse(v: unknown): unknown }, items: unknown[]) {
  let taken = 0;
  for (const item of items) {
    const fast = check(item);
    if (fast === undefined) continue;
    taken++;
    expect(schema.safeParse(item), JSON.stringify(item)).toEqual({ success: true, data: fast });
  }
  return taken;
}

describe("fast checks of batch items", () => {
  it("take ordinary products, and nothing zod would refuse or answer otherwise", () => {
    const valid = { product_name: "Desk", price: 100.5, cost: 0.29, stock: 10 };
    expect(fastProductInput(valid)).toEqual(valid);
    expect(fastProductInput({ ...valid, id: 3, created_at: "x", updated_at: null })).toBeDefined();
    expect(holdsTo(fastProductInput, ProductInputSchema, variants(valid))).toBeGreaterThan(20);
  });

  it("take ordinary orders, and nothing zod would refuse or answer otherwise", () => {
    const valid = { product_ids: [1, 2, 3], amounts: [1, 2, MAX_INT4] };
    expect(fastOrderInput(valid)).toEqual(valid);
    const items = [
      ...variants(valid),
      { product_ids: [1], amounts: [1, 2] },
      { product_ids: Array.from({ length: 100 }, () => 1), amounts: Array.from({ length: 100 }, () => 1) },
      { product_ids: Array.from({ length: 101 }, () => 1), amounts: Array.from({ length: 101 }, () => 1) },
      { product_ids: [1, 0], amounts: [1, 1] },
      { product_ids: [1, 1.5], amounts: [1, 1] },
      { product_ids: [1, "2"], amounts: [1, 1] },
      { product_ids: [1, 2], amounts: [1, 0] },
      { product_ids: [1, 2], amounts: [1, MAX_INT4 + 1] },
    ];
    expect(holdsTo(fastOrderInput, OrderInputSchema, items)).toBeGreaterThan(5);
  });

  it("take ordinary order lines, and nothing zod would refuse or answer otherwise", () => {
    const valid = { order_id: 1, product_id: 2, amount: 5 };
    expect(fastOrderLineInput(valid)).toEqual(valid);
    expect(holdsTo(fastOrderLineInput, OrderLineInputSchema, variants(valid))).toBeGreaterThan(10);
  });

  it("answer a batch as zod does: the same data when every item passes, zod's own errors otherwise", async () => {
    const fast = withFastItems(batchOf(ProductInputSchema), fastProductInput);
    const slow = batchOf(ProductInputSchema);
    const good = Array.from({ length: 1000 }, (_, i) => ({ product_name: `P${i}`, price: i, cost: 1, stock: i }));
    const bodies: unknown[] = [
      good,
      [...good, good[0]],
      [],
      {},
      null,
      [{ product_name: " Trimmed ", price: 1, cost: 1, stock: 1 }],
      [...good.slice(0, 5), { product_name: "Desk", price: 0.291, cost: 1, stock: 1 }],
      [{ product_name: "Desk", price: 1, cost: 1, stock: 1, colour: "red" }],
    ];
    for (const body of bodies) {
      expect(await fast.safeParseAsync(body)).toEqual(await slow.safeParseAsync(body));
    }
  });
});
