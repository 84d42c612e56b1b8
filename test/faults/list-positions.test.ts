import { describe, expect, it } from "vitest";
import { createOrder, createProduct, desk, type Order } from "../fixtures";
import { api, db, redis } from "../helpers";
import { runScheduled } from "../sales";
import { holdLock, lockWaiters, releaseLock } from "./support";

// The counts behind pages by number (list_positions, drizzle 0014) are appended by each write and
// folded by the scheduled task. Neither may make the other wait, nor two writers each other: each
// test holds one side's transaction open and the other side must finish while it is held.

/** Every page of orders by number, one order a page, and the ids the table holds. */
async function pagesAndIds() {
  await redis().flushdb();
  const ids = (await db().query("select id::int from orders order by id")).map((r) => r.id);
  const pages: number[] = [];
  for (let page = 1; page <= ids.length + 1; page++) {
    const res = await api<Order[]>(`/orders?page=${page}&page_size=1`);
    expect(res.status).toBe(200);
    pages.push(...res.body.map((o) => o.order_id));
  }
  return { pages, ids };
}

describe("the counts behind pages by number", () => {
  it("let an order commit while another writer's insert is still open, and count both", async () => {
    const deskId = await createProduct(desk);
    const open = await holdLock("insert into orders (id) overriding system value values (5000)");
    // Answered while the other transaction, which appended its count, is still open.
    expect(await createOrder([deskId], [1])).toBe(1);
    await releaseLock(open);
    const { pages, ids } = await pagesAndIds();
    expect(ids).toEqual([1, 5000]);
    expect(pages).toEqual(ids);
  });

  it("let writes and reads go on while the fold is held open, and count every row once", async () => {
    const deskId = await createProduct(desk);
    for (const amount of [1, 2, 3]) await createOrder([deskId], [amount]);
    // The fold's own statement shape: take the appended rows, add them to the folded counts.
    const fold = await holdLock(`
      with moved as (delete from list_position_changes returning list, bucket, rows)
      insert into list_positions as p (list, bucket, rows)
      select list, bucket, sum(rows) from moved group by list, bucket order by list, bucket
      on conflict (list, bucket) do update set rows = p.rows + excluded.rows`);
    expect(await createOrder([deskId], [4])).toBe(4);
    expect((await api("/orders/2", { method: "DELETE" })).status).toBe(202);
    const duringFold = await pagesAndIds();
    expect(duringFold.pages).toEqual([1, 3, 4]);
    await releaseLock(fold);
    await runScheduled();
    const [pending] = await db().query("select count(*)::int as n from list_position_changes");
    expect(pending?.n).toBe(0);
    const [folded] = await db().query("select sum(rows)::int as n from list_positions where list = 'orders'");
    expect(folded?.n).toBe(3);
    const after = await pagesAndIds();
    expect(after.pages).toEqual([1, 3, 4]);
    expect(after.ids).toEqual([1, 3, 4]);
  });

  it("let the scheduled fold finish while a writer's transaction is open, leaving its count for later", async () => {
    const deskId = await createProduct(desk);
    await createOrder([deskId], [1]);
    const open = await holdLock("insert into orders (id) overriding system value values (1500)");
    await runScheduled();
    await releaseLock(open);
    const [pending] = await db().query("select count(*)::int as n from list_position_changes");
    expect(pending?.n).toBe(1);
    const { pages, ids } = await pagesAndIds();
    expect(ids).toEqual([1, 1500]);
    expect(pages).toEqual(ids);
  });

  it("make a TRUNCATE wait for a fold still open, so no count of a removed row survives it", async () => {
    const deskId = await createProduct(desk);
    await createOrder([deskId], [1]);
    // The fold's advisory lock (src/routes/crud/list-page.ts), held as a fold in progress holds it.
    const fold = await holdLock("select pg_advisory_xact_lock(748201019)");
    // The driver's query runs once it is awaited (then-ed): start it now, await it after the release.
    const truncate = db()
      .query("truncate orders cascade")
      .then(() => "done");
    await lockWaiters(1);
    await releaseLock(fold);
    expect(await truncate).toBe("done");
    const counts = await db().query(
      "select (select count(*) from list_positions where list = 'orders')::int as folded, (select count(*) from list_position_changes where list = 'orders')::int as pending",
    );
    expect(counts).toEqual([{ folded: 0, pending: 0 }]);
  });
});
