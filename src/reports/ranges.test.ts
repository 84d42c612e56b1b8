import { describe, expect, it } from "vitest";
import {
  chair,
  createOrder,
  createOrderAt,
  createProduct,
  desk,
  lamp,
  type Report,
  shelf,
  tenCentLamp,
} from "../../test/fixtures";
import { api, db } from "../../test/helpers";
import { expectReportFromLines, forgetCachedReports, pendingChanges, runScheduled } from "../../test/sales";

/** mulberry32, seeded: the same orders and ranges on every run, so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const DAY = 86_400_000;
const FIRST = Date.parse("2025-11-25T00:00:00Z");
const DAYS = 130;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// Orders on the first and last instants of months and days, where an off-by-one in a range's
// split into months and edge days would show; the rest anywhere in the span.
const EDGES = [
  "2025-11-30T23:59:59.999Z",
  "2025-12-01T00:00:00Z",
  "2025-12-31T23:59:59.999Z",
  "2026-01-01T00:00:00Z",
  "2026-01-01T00:00:00.001Z",
  "2026-01-31T23:59:59Z",
  "2026-02-01T00:00:00Z",
  "2026-02-14T00:00:00Z",
  "2026-02-14T12:00:00Z",
  "2026-02-14T23:59:59.999Z",
  "2026-02-28T23:59:59.999Z",
  "2026-03-01T00:00:00Z",
];

/** Inclusive ranges that start or end on the first or last day of a month, or lie inside one day. */
const CHOSEN: [string | null, string | null][] = [
  [null, null],
  ["2025-12-01", "2025-12-31"],
  ["2025-12-01", "2026-02-28"],
  ["2025-12-31", "2026-01-01"],
  ["2026-01-01", "2026-01-01"],
  ["2026-01-31", "2026-01-31"],
  ["2026-02-14", "2026-02-14"],
  ["2026-02-28", "2026-02-28"],
  ["2025-11-30", "2026-03-01"],
  ["2025-12-31", "2026-02-28"],
  ["2026-01-31", "2026-03-01"],
  ["2025-12-02", "2026-02-27"],
  ["2026-01-02", "2026-01-30"],
  ["2026-01-01", "2026-02-14"],
  ["2025-12-15", "2026-01-31"],
  ["2026-02-01", null],
  ["2026-03-01", null],
  [null, "2026-01-31"],
  [null, "2025-12-01"],
  [null, "2026-02-13"],
  // Past the last day sold before the writes of today, so past the running totals' horizon until
  // the compaction moves it on to today.
  ["2026-02-10", "2026-06-30"],
  ["2026-03-01", "2026-11-30"],
  ["2026-04-15", "2026-05-02"],
  [null, "2026-10-14"],
];

async function arrange(rand: () => number) {
  const products: number[] = [];
  for (const p of [desk, chair, lamp, shelf, tenCentLamp, { ...desk, product_name: "Bench", price: 0, cost: 0 }]) {
    products.push(await createProduct(p));
  }
  const pick = () => products[Math.floor(rand() * products.length)] ?? 1;
  const times = [...EDGES, ...Array.from({ length: 24 }, () => new Date(FIRST + rand() * DAYS * DAY).toISOString())];
  const ids = [];
  for (const _ of times) {
    const n = 1 + Math.floor(rand() * 4);
    ids.push(
      await createOrder(
        Array.from({ length: n }, pick),
        Array.from({ length: n }, () => 1 + Math.floor(rand() * 5)),
      ),
    );
  }
  // Backdated behind the API's back, and the rollups rebuilt, as after a bulk load.
  await db().query(
    "update orders o set created_at = t.at from unnest($1::bigint[], $2::timestamptz[]) as t(id, at) where o.id = t.id",
    [ids, times],
  );
  await db().query("select rebuild_report_rollups()");
}

/** Writes through the API that change past days, left in sales_changes until compacted. */
async function changeThePast() {
  const ok = async (path: string, method: string, json?: unknown) => {
    const res = await api(path, { method, ...(json === undefined ? {} : { json }) });
    expect([path, res.status]).toEqual([path, { POST: 201, PUT: 200, DELETE: 202 }[method]]);
    return res.body as { id: number };
  };
  const lineOf = async (order: number) => {
    const [row] = await db().query("select id::int from orders_products where order_id = $1 order by id limit 1", [
      order,
    ]);
    return Number(row?.id);
  };
  // Another line of a product the order has, and of one it may not have.
  await ok("/orders_products", "POST", { order_id: 4, product_id: 1, amount: 2 });
  await ok("/orders_products-batch", "POST", [
    { order_id: 4, product_id: 2, amount: 1 },
    { order_id: 11, product_id: 6, amount: 3 },
  ]);
  await ok("/orders/2", "PUT", { product_ids: [3, 3, 5], amounts: [1, 2, 7] });
  await ok("/orders/8", "DELETE");
  await ok("/orders-batch", "DELETE", [9, 15]);
  await ok(`/orders_products/${await lineOf(10)}`, "DELETE");
  // A line moved to an order of another day, and of another month.
  await ok(`/orders_products/${await lineOf(3)}`, "PUT", { order_id: 12, product_id: 4, amount: 2 });
  await ok(`/orders_products/${await lineOf(20)}`, "PUT", { order_id: 1, product_id: 2, amount: 1 });
  await ok("/orders_products-batch", "DELETE", [await lineOf(6), await lineOf(7)]);
  // Orders of today, outside every range that ends in the past.
  await ok("/orders-batch", "POST", [
    { product_ids: [1, 2], amounts: [1, 1] },
    { product_ids: [5], amounts: [3] },
  ]);
}

describe("reports over any range", () => {
  it("equal the lines summed in SQL over random and month-edge ranges, before and after compaction", async () => {
    const rand = random(18);
    await arrange(rand);
    await changeThePast();
    // Limits below the number of products make a range sum only the products that can rank.
    const limits = [1, 2, 3, 100];
    const ranges: [string | null, string | null, number][] = CHOSEN.map(([from, to], i) => [
      from,
      to,
      limits[i % limits.length] ?? 100,
    ]);
    for (let i = 0; i < 30; i++) {
      const a = Math.floor(rand() * DAYS);
      const b = a + Math.floor(rand() * (rand() < 0.3 ? 3 : DAYS - a));
      ranges.push([dayOf(FIRST + a * DAY), dayOf(FIRST + b * DAY), limits[Math.floor(rand() * limits.length)] ?? 100]);
    }

    expect(await pendingChanges()).toBeGreaterThan(0);
    for (const [from, to, limit] of ranges) await expectReportFromLines(from, to, limit);

    await runScheduled();
    expect(await pendingChanges()).toBe(0);
    await forgetCachedReports();
    for (const [from, to, limit] of ranges) await expectReportFromLines(from, to, limit);
  }, 120_000);
});

describe("a range's ranking", () => {
  // 2026-01-31 … 2026-02-03 lies between the boundaries 2026-01-29 and 2026-02-05: a product's sales
  // on 01-29, 01-30 and 02-04 count in its bound but not in the range. The desk sold most on those
  // days, so it has the highest bound; the lamp sold most inside the range.
  it("ranks by the range's own sales, whatever the products sold on the days around it", async () => {
    const [deskId, lampId, chairId, shelfId] = [
      await createProduct(desk),
      await createProduct({ ...lamp, price: 13 }),
      await createProduct(chair),
      await createProduct(shelf),
    ];
    const before = await createOrderAt([deskId], [10], "2026-01-30T12:00:00Z");
    await createOrderAt([deskId, shelfId], [1, 1], "2026-02-01T08:00:00Z");
    await createOrderAt([lampId], [10], "2026-02-02T23:59:59.999Z");
    await createOrderAt([chairId], [1], "2026-02-03T00:00:00Z");
    const after = await createOrderAt([chairId], [3], "2026-02-04T00:00:00Z");

    const names = async (limit: number) => {
      const res = await api<Report>(`/reports-all?from=2026-01-31&to=2026-02-03&limit=${limit}`);
      expect(res.status).toBe(200);
      return res.body.products.map((p) => [p.product_name, p.revenue]);
    };
    expect(await names(1)).toEqual([["Lamp", 130]]);
    expect(await names(2)).toEqual([
      ["Lamp", 130],
      ["Desk", 100],
    ]);
    // The chair's bound (102) is above the shelf's (80), its revenue in the range (25.5) below.
    expect(await names(3)).toEqual([
      ["Lamp", 130],
      ["Desk", 100],
      ["Shelf", 80],
    ]);
    for (const limit of [1, 2, 3, 4]) await expectReportFromLines("2026-01-31", "2026-02-03", limit);

    // The same with more sales on the days around the range, not yet compacted.
    for (const line of [
      { order_id: before, product_id: deskId, amount: 20 },
      { order_id: after, product_id: shelfId, amount: 5 },
    ]) {
      expect((await api("/orders_products", { method: "POST", json: line })).status).toBe(201);
    }
    expect(await pendingChanges()).toBeGreaterThan(0);
    expect(await names(3)).toEqual([
      ["Lamp", 130],
      ["Desk", 100],
      ["Shelf", 80],
    ]);
    for (const limit of [1, 2, 3, 4]) await expectReportFromLines("2026-01-31", "2026-02-03", limit);
  });
});

describe("ranges at the ends of the calendar", () => {
  // The day after 9999-12-31, and the boundaries after it, have a five-digit year.
  it("answer 200 with the lines' sums, up to 9999-12-31 and from 0001-01-01", async () => {
    const [deskId, lampId] = [await createProduct(desk), await createProduct(lamp)];
    await createOrderAt([deskId, lampId], [1, 3], "2026-03-01T10:00:00Z");
    await createOrder([lampId], [2]);
    const ranges: [string | null, string | null][] = [
      [null, "9999-12-31"],
      ["9999-12-28", "9999-12-31"],
      ["9999-12-30", "9999-12-31"],
      ["2026-01-01", "9999-12-29"],
      ["0001-01-01", "9999-12-31"],
      ["0001-01-01", "0001-01-04"],
      ["0001-01-02", null],
    ];
    for (const [from, to] of ranges) {
      for (const limit of [1, 100]) await expectReportFromLines(from, to, limit);
    }
  });
});
