import { describe, expect, it } from "vitest";
import { chair, createOrder, createProduct, desk, getOrder, ISO, type Order } from "../../test/fixtures";
import { api, countRoundTrips, expectProblem } from "../../test/helpers";

describe("GET /orders/{id}", () => {
  it("gets one order with its lines and total in one round trip", async () => {
    const chairId = await createProduct(chair);
    const id = await createOrder([chairId], [4]);
    const { result: res, roundTrips } = await countRoundTrips(() => api<Order>(`/orders/${id}`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      order_id: id,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      total: 102,
      products: [{ id: 1, product_id: chairId, product_name: "Chair", amount: 4, unit_price: 25.5, line_total: 102 }],
    });
    expect(roundTrips).toBe(1);
  });

  it("answers 404 for a missing order in one round trip and 422 for a bad id in none", async () => {
    const { result: missing, roundTrips } = await countRoundTrips(() => api("/orders/42"));
    expectProblem(missing, 404, "Order 42 does not exist", "/orders/42");
    expect(roundTrips).toBe(1);
    const { result: bad, roundTrips: badTrips } = await countRoundTrips(() => api("/orders/abc"));
    expectProblem(bad, 422, "id: must be a positive integer", "/orders/abc");
    expect(badTrips).toBe(0);
    expectProblem(await api("/orders/0"), 422, "id: must be a positive integer", "/orders/0");
    expectProblem(await api("/orders/-1"), 422, "id: must be a positive integer", "/orders/-1");
  });
});

// The list at the old service's path and at the collection's: the same answers, each linking to
// its own next page.
describe.each(["/orders", "/orders-list"])("GET %s", (list) => {
  it("pages orders by id with a Link to the next page while more follow", async () => {
    const deskId = await createProduct(desk);
    for (const amount of [1, 2, 3]) await createOrder([deskId], [amount]);
    const { result: first, roundTrips } = await countRoundTrips(() => api<Order[]>(list));
    expect(first.status).toBe(200);
    expect(first.body.map((o) => [o.order_id, o.total, o.products.length])).toEqual([
      [1, 100, 1],
      [2, 200, 1],
    ]);
    expect(first.body[0]).toEqual(await getOrder(1));
    expect(first.headers.get("Link")).toBe(`<${list}?page=2&page_size=2>; rel="next"`);
    expect(roundTrips).toBe(1);

    const second = await api<Order[]>(`${list}?page=2&page_size=2`);
    expect(second.status).toBe(200);
    expect(second.body.map((o) => o.order_id)).toEqual([3]);
    expect(second.headers.get("Link")).toBeNull();

    const all = await api<Order[]>(`${list}?page_size=3`);
    expect(all.body.map((o) => o.order_id)).toEqual([1, 2, 3]);
    expect(all.headers.get("Link")).toBeNull();

    const keyset = await api<Order[]>(`${list}?after=1&page_size=1`);
    expect(keyset.body.map((o) => o.order_id)).toEqual([2]);
    expect(keyset.headers.get("Link")).toBe(`<${list}?after=2&page_size=1>; rel="next"`);

    const { result: past, roundTrips: pastTrips } = await countRoundTrips(() => api(`${list}?page=9`));
    expect(past.status).toBe(200);
    expect(past.body).toEqual([]);
    expect(past.headers.get("Link")).toBeNull();
    expect(pastTrips).toBe(1);
  });

  it("lists an empty page when there are no orders", async () => {
    const res = await api(list);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it("refuses bad paging with 422 and no round trip", async () => {
    const { result: res, roundTrips } = await countRoundTrips(() => api(`${list}?page=0&page_size=101`));
    expectProblem(
      res,
      422,
      "2 problems with the query: page: must be an integer ≥ 1; page_size: must be an integer from 1 to 100",
      list,
    );
    expect(roundTrips).toBe(0);
    expectProblem(await api(`${list}?page=abc`), 422, "page: must be an integer ≥ 1", list);
  });
});

describe("GET /orders and GET /orders-list", () => {
  it("answer the same page with the same ETag", async () => {
    const deskId = await createProduct(desk);
    for (const amount of [1, 2, 3]) await createOrder([deskId], [amount]);
    const [collection, old] = [
      await api<Order[]>("/orders?page_size=3"),
      await api<Order[]>("/orders-list?page_size=3"),
    ];
    expect(collection.status).toBe(200);
    expect(collection.text).toBe(old.text);
    expect(collection.headers.get("ETag")).toBe(old.headers.get("ETag"));
  });
});

describe("GET /orders-count", () => {
  it("counts orders as a bare integer in one round trip", async () => {
    const empty = await api("/orders-count");
    expect(empty.status).toBe(200);
    expect(empty.body).toBe(0);
    const deskId = await createProduct(desk);
    await createOrder([deskId], [1]);
    await createOrder([deskId, deskId], [1, 2]);
    const { result: res, roundTrips } = await countRoundTrips(() => api("/orders-count"));
    expect(res.status).toBe(200);
    expect(res.body).toBe(2);
    expect(roundTrips).toBe(1);
  });
});
