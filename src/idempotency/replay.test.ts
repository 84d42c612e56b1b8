import { describe, expect, it } from "vitest";
import { chairLowStock, createOrder, createProduct, desk } from "../../test/fixtures";
import {
  api,
  countRoundTrips,
  countRows,
  expectProblem,
  expectReplay,
  IDEMPOTENCY_MISMATCH,
  idem,
  idemKeys,
  snapshot,
} from "../../test/helpers";

describe("Idempotency-Key on POST /orders", () => {
  it("replays the first answer to a retry in one round trip, writing nothing", async () => {
    const product = await createProduct();
    const order = { product_ids: [product], amounts: [2] };
    const first = await api<number>("/orders", { method: "POST", json: order, headers: idem("order-1") });
    expect(first.status).toBe(201);
    expect(first.body).toBe(1);
    expect(first.headers.get("Location")).toBe("/orders/1");
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const after = await snapshot();
    expect(after.orders).toHaveLength(1);

    const { result: replay, roundTrips } = await countRoundTrips(() =>
      api<number>("/orders", { method: "POST", json: order, headers: idem("order-1") }),
    );
    expectReplay(first, replay);
    expect(replay.body).toBe(1);
    expect(replay.headers.get("Location")).toBe("/orders/1");
    // The retry's batch is the answer: its claim finds the key committed and returns its answer.
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(after);

    // Replays keep coming while the record lives.
    const again = await api<number>("/orders", { method: "POST", json: order, headers: idem("order-1") });
    expectReplay(first, again);
    expect(await countRows("orders")).toBe(1);

    // A new key is a new request.
    const other = await api<number>("/orders", { method: "POST", json: order, headers: idem("order-2") });
    expect(other.status).toBe(201);
    expect(other.body).toBe(2);
    expect(other.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await countRows("orders")).toBe(2);
  });

  it("does not record a failed attempt, so a corrected retry with the same key runs", async () => {
    const product = await createProduct();
    const failed = await api("/orders", {
      method: "POST",
      json: { product_ids: [99], amounts: [1] },
      headers: idem("fix-me"),
    });
    expectProblem(failed, 422, "Unknown product ids: 99", "/orders");
    expect(await idemKeys()).toEqual([]);
    expect(await countRows("orders")).toBe(0);

    // The same failing request runs again rather than replaying the failure.
    const failedAgain = await api("/orders", {
      method: "POST",
      json: { product_ids: [99], amounts: [1] },
      headers: idem("fix-me"),
    });
    expectProblem(failedAgain, 422, "Unknown product ids: 99", "/orders");
    expect(failedAgain.headers.get("Idempotent-Replayed")).toBeNull();

    const corrected = await api<number>("/orders", {
      method: "POST",
      json: { product_ids: [product], amounts: [1] },
      headers: idem("fix-me"),
    });
    expect(corrected.status).toBe(201);
    expect(corrected.body).toBe(1);
    expect(corrected.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await countRows("orders")).toBe(1);

    const replay = await api<number>("/orders", {
      method: "POST",
      json: { product_ids: [product], amounts: [1] },
      headers: idem("fix-me"),
    });
    expectReplay(corrected, replay);
    expect(await countRows("orders")).toBe(1);
  });
});

describe("Idempotency-Key on other writes", () => {
  it("replays PUT /products/{id} with its ETag and does not touch the row again", async () => {
    const id = await createProduct();
    const first = await api<{ updated_at: string }>(`/products/${id}`, {
      method: "PUT",
      json: chairLowStock,
      headers: idem("put-1"),
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject(chairLowStock);
    expect(first.headers.get("ETag")).toMatch(/^"/);
    const after = await snapshot();

    const { result: replay, roundTrips } = await countRoundTrips(() =>
      api(`/products/${id}`, { method: "PUT", json: chairLowStock, headers: idem("put-1") }),
    );
    expectReplay(first, replay);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(after);
  });

  it("replays DELETE /products/{id} with 202 and its body though the product is gone", async () => {
    const id = await createProduct();
    const first = await api(`/products/${id}`, { method: "DELETE", headers: idem("delete-1") });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id, deleted: true });
    expect(await countRows("products")).toBe(0);

    const replay = await api(`/products/${id}`, { method: "DELETE", headers: idem("delete-1") });
    expectReplay(first, replay);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ id, deleted: true });

    // Without the key the same delete runs, and finds nothing.
    const plain = await api(`/products/${id}`, { method: "DELETE" });
    expectProblem(plain, 404, `Product ${id} does not exist`, `/products/${id}`);
  });

  it("replays POST /products-batch without creating the products twice", async () => {
    const first = await api<{ id: number }[]>("/products-batch", {
      method: "POST",
      json: [desk, chairLowStock],
      headers: idem("batch-1"),
    });
    expect(first.status).toBe(201);
    expect(first.body.map((p) => p.id)).toEqual([1, 2]);
    const after = await snapshot();

    const replay = await api("/products-batch", {
      method: "POST",
      json: [desk, chairLowStock],
      headers: idem("batch-1"),
    });
    expectReplay(first, replay);
    expect(await snapshot()).toEqual(after);
    expect(await countRows("products")).toBe(2);
  });

  it("replays DELETE /orders-batch with the first answer's counts", async () => {
    const product = await createProduct();
    await createOrder([product], [1]);
    await createOrder([product], [2]);
    await createOrder([product], [3]);
    const first = await api("/orders-batch", { method: "DELETE", json: [1, 2, 99], headers: idem("del-batch") });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ deleted: 2, not_found: [99] });
    const after = await snapshot();
    expect(after.orders).toHaveLength(1);

    const replay = await api("/orders-batch", { method: "DELETE", json: [1, 2, 99], headers: idem("del-batch") });
    expectReplay(first, replay);
    expect(replay.body).toEqual({ deleted: 2, not_found: [99] });
    expect(await snapshot()).toEqual(after);

    // Another id list under the same key is a different request.
    const different = await api("/orders-batch", { method: "DELETE", json: [3], headers: idem("del-batch") });
    expectProblem(different, 422, IDEMPOTENCY_MISMATCH, "/orders-batch");
    expect(await snapshot()).toEqual(after);
  });

  it("replays POST /orders_products with its Location, adding the line once", async () => {
    const product = await createProduct();
    const order = await createOrder([product], [1]);
    const line = { order_id: order, product_id: product, amount: 4 };
    const first = await api<{ id: number }>("/orders_products", { method: "POST", json: line, headers: idem("line") });
    expect(first.status).toBe(201);
    expect(first.headers.get("Location")).toBe(`/orders_products/${first.body.id}`);
    const after = await snapshot();
    expect(after.lines).toHaveLength(2);

    const replay = await api("/orders_products", { method: "POST", json: line, headers: idem("line") });
    expectReplay(first, replay);
    expect(await snapshot()).toEqual(after);
  });
});
