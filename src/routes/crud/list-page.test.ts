import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createOrder, createProduct, desk, type Order, type Product } from "../../../test/fixtures";
import { api, countRoundTrips, db, redis } from "../../../test/helpers";
import { runScheduled } from "../../../test/sales";

// Pages by number start at the bucket of 1,000 ids that holds their first row (list_positions,
// drizzle 0014). These tests spread ids over several buckets, with empty buckets between, and
// check every page against the plain offset over the table: with the counts pending, folded,
// after deletes, after a TRUNCATE.

type List = "orders" | "products";
const idOf = { orders: (o: Order) => o.order_id, products: (p: Product) => p.id };

/** Rows with these ids, written in SQL (behind the API, as a data tool would). */
async function insertIds(list: List, ids: number[]) {
  if (list === "orders") {
    await db().query("insert into orders (id) overriding system value select unnest($1::bigint[])", [ids]);
  } else {
    await db().query(
      `insert into products (id, product_name, price, cost, stock) overriding system value
       select id, 'P' || id, 1, 1, 1 from unnest($1::bigint[]) id`,
      [ids],
    );
  }
}

/** Cached pages would hide what the database answers now (writes in SQL reach the cache later). */
async function forgetCachedPages() {
  if (!env.STACK_REDIS_DOWN) await redis().flushdb();
}

/** Every page by number of `list`, up to two past the end, equals the offset over its ids. */
async function expectEveryPageExact(list: List, size: number) {
  await forgetCachedPages();
  const [{ n } = { n: 0 }] = await db().query(`select count(*)::int as n from ${list} where id > 0`);
  const pages = Math.ceil(Number(n) / size) + 2;
  for (let page = 1; page <= pages; page++) {
    const expected = await db().query(`select id::int from ${list} where id > 0 order by id limit $1 offset $2`, [
      size,
      (page - 1) * size,
    ]);
    const res = await api<(Order & Product)[]>(`/${list}?page=${page}&page_size=${size}`);
    expect(res.status).toBe(200);
    expect(res.body.map(idOf[list]), `${list} page ${page} of ${size}`).toEqual(expected.map((r) => r.id));
    const more = page * size < Number(n);
    expect(res.headers.get("Link"), `${list} page ${page}`).toBe(
      more ? `</${list}?page=${page + 1}&page_size=${size}>; rel="next"` : null,
    );
  }
}

async function positions(list: List) {
  const folded = await db().query(
    "select bucket::int, rows::int from list_positions where list = $1 and rows <> 0 order by bucket",
    [list],
  );
  const [pending] = await db().query("select count(*)::int as n from list_position_changes where list = $1", [list]);
  return { folded, pending: Number(pending?.n) };
}

// Ids 1–4, 998–1003 (across the first bucket edge), 2500 (bucket 2; bucket 1 is all but empty),
// 4000–4004: 16 orders in buckets 0, 1, 2 and 4.
const SPREAD = [1, 2, 3, 4, 998, 999, 1000, 1001, 1002, 1003, 2500, 4000, 4001, 4002, 4003, 4004];

describe("pages by number over ids spread across buckets", () => {
  it("are exact with the counts pending, folded, after deletes and after a TRUNCATE", async () => {
    await insertIds("orders", SPREAD);
    // One row per bucket the statement touched.
    expect((await positions("orders")).pending).toBe(4);
    for (const size of [1, 3, 5]) await expectEveryPageExact("orders", size);

    await runScheduled();
    expect(await positions("orders")).toEqual({
      folded: [
        { bucket: 0, rows: 6 },
        { bucket: 1, rows: 4 },
        { bucket: 2, rows: 1 },
        { bucket: 4, rows: 5 },
      ],
      pending: 0,
    });
    for (const size of [1, 3, 5]) await expectEveryPageExact("orders", size);

    // Deletes through the API: a row at a bucket's edge and the only row of bucket 2.
    for (const id of [999, 1000, 2500]) {
      expect((await api(`/orders/${id}`, { method: "DELETE" })).status).toBe(202);
    }
    expect((await positions("orders")).pending).toBe(3);
    for (const size of [1, 3, 5]) await expectEveryPageExact("orders", size);
    await runScheduled();
    expect((await positions("orders")).folded).toEqual([
      { bucket: 0, rows: 5 },
      { bucket: 1, rows: 3 },
      { bucket: 4, rows: 5 },
    ]);
    await expectEveryPageExact("orders", 2);

    await db().query("truncate orders cascade");
    expect(await positions("orders")).toEqual({ folded: [], pending: 0 });
    await insertIds("orders", [7, 3007]);
    await expectEveryPageExact("orders", 1);
  });

  it("count orders the API creates and products alike, one round trip a page", async () => {
    await insertIds("products", [5, 1999, 2000, 6001]);
    const deskId = await createProduct(desk);
    expect(deskId).toBe(1);
    await createOrder([deskId], [1]);
    await createOrder([deskId], [2]);
    await expectEveryPageExact("products", 2);
    await expectEveryPageExact("orders", 1);
    await forgetCachedPages();
    const { result, roundTrips } = await countRoundTrips(() => api<Product[]>("/products?page=3&page_size=2"));
    expect(result.body.map((p) => p.id)).toEqual([6001]);
    expect(roundTrips).toBe(1);
  });

  it("refuse to renumber a row, so no write can move a row between buckets unseen", async () => {
    await insertIds("orders", [5]);
    await expect(db().query("update orders set id = default where id = 5")).rejects.toThrow(
      "the id of a row of orders does not change",
    );
    const [row] = await db().query("select count(*)::int as n from orders where id = 5");
    expect(row?.n).toBe(1);
    await expectEveryPageExact("orders", 1);
  });
});
