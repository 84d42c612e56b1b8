import { describe, expect, it } from "vitest";
import { chairLowStock, createProduct } from "../../test/fixtures";
import {
  api,
  countRoundTrips,
  countRows,
  expectProblem,
  expectReplay,
  IDEMPOTENCY_MISMATCH,
  idem,
  idemKeys,
  redis,
  snapshot,
} from "../../test/helpers";

const INVALID_KEY = "Idempotency-Key must be 1–255 visible ASCII characters";

describe("Idempotency-Key on POST /orders", () => {
  it("accepts the key as a structured-field string in quotes, the same key as without them", async () => {
    const product = await createProduct();
    const order = { product_ids: [product], amounts: [1] };
    const first = await api<number>("/orders", { method: "POST", json: order, headers: idem('"quoted-1"') });
    expect(first.status).toBe(201);
    const replay = await api<number>("/orders", { method: "POST", json: order, headers: idem("quoted-1") });
    expectReplay(first, replay);
    expect(await countRows("orders")).toBe(1);
  });

  it("refuses the same key with a different body, or on another route, with 422 and writes nothing", async () => {
    const product = await createProduct();
    const first = await api<number>("/orders", {
      method: "POST",
      json: { product_ids: [product], amounts: [1] },
      headers: idem("reused"),
    });
    expect(first.status).toBe(201);
    const before = await snapshot();

    const { result: different, roundTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [product], amounts: [5] }, headers: idem("reused") }),
    );
    expectProblem(different, 422, IDEMPOTENCY_MISMATCH, "/orders");
    expect(different.headers.get("Idempotent-Replayed")).toBeNull();
    // Postgres holds the key: its claim, the first statement of the batch, refuses the request.
    expect(roundTrips).toBe(1);

    const elsewhere = await api("/products", { method: "POST", json: chairLowStock, headers: idem("reused") });
    expectProblem(elsewhere, 422, IDEMPOTENCY_MISMATCH, "/products");
    expect(await snapshot()).toEqual(before);

    // The record is intact: the original request still replays.
    const replay = await api<number>("/orders", {
      method: "POST",
      json: { product_ids: [product], amounts: [1] },
      headers: idem("reused"),
    });
    expectReplay(first, replay);
  });

  it("refuses an empty key, a key over 255 characters or one with a character outside ! to ~ with 422, and writes nothing", async () => {
    const product = await createProduct();
    const order = { product_ids: [product], amounts: [1] };
    const before = await snapshot();
    // A space and DEL are the neighbours of the visible range (0x21-0x7e), a tab a control
    // character. Anything beyond ASCII is above DEL; workerd sends such a header as UTF-8 with a
    // warning that browsers would refuse it, so the range is tested at its edges instead.
    for (const key of ["", "   ", '""', "x".repeat(300), "x".repeat(256), "has space", "del\x7f", "tab\tkey"]) {
      const res = await api<{ errors: unknown }>("/orders", { method: "POST", json: order, headers: idem(key) });
      expectProblem(res, 422, INVALID_KEY, "/orders");
      expect(res.body.errors).toEqual([
        { path: "Idempotency-Key", message: "must be 1–255 visible ASCII characters", code: "invalid_format" },
      ]);
    }
    expect(await snapshot()).toEqual(before);
    expect(await idemKeys()).toEqual([]);

    // 255 characters is the longest key accepted.
    const longest = await api<number>("/orders", { method: "POST", json: order, headers: idem("k".repeat(255)) });
    expect(longest.status).toBe(201);
    const replay = await api<number>("/orders", { method: "POST", json: order, headers: idem("k".repeat(255)) });
    expectReplay(longest, replay);
  });

  it("keeps the key in Postgres for 24 hours, and nothing of it in Redis", async () => {
    const product = await createProduct();
    const res = await api("/orders", {
      method: "POST",
      json: { product_ids: [product], amounts: [1] },
      headers: idem("ttl"),
    });
    expect(res.status).toBe(201);
    expect(await idemKeys()).toEqual([{ principal: "ip:unknown", hours: 24 }]);
    expect((await redis().keys("*")).filter((k) => !k.startsWith("gen:") && !k.startsWith("outbox:"))).toEqual([]);
  });

  it("ignores the key on reads", async () => {
    const product = await createProduct();
    const res = await api(`/products/${product}`, { headers: idem("read") });
    expect(res.status).toBe(200);
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await idemKeys()).toEqual([]);
  });
});

describe("Idempotency-Key scope", () => {
  it("scopes keys by caller: the same key from two API keys runs twice", async () => {
    const product = await createProduct();
    const order = { product_ids: [product], amounts: [1] };
    const bindings = { AUTH_DISABLED: "false" };
    const one = await api<number>(
      "/orders",
      { method: "POST", json: order, headers: idem("shared", { Authorization: "Bearer test-key-1" }) },
      bindings,
    );
    expect(one.status).toBe(201);
    expect(one.body).toBe(1);
    const two = await api<number>(
      "/orders",
      { method: "POST", json: order, headers: idem("shared", { Authorization: "Bearer test-key-2" }) },
      bindings,
    );
    expect(two.status).toBe(201);
    expect(two.body).toBe(2);
    expect(two.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await countRows("orders")).toBe(2);
    expect((await idemKeys()).map((k) => k.principal)).toEqual([
      expect.stringMatching(/^key:[0-9a-f]{16}$/),
      expect.stringMatching(/^key:[0-9a-f]{16}$/),
    ]);

    // Each caller's retry replays its own answer.
    const retryOne = await api<number>(
      "/orders",
      { method: "POST", json: order, headers: idem("shared", { Authorization: "Bearer test-key-1" }) },
      bindings,
    );
    expectReplay(one, retryOne);
    const retryTwo = await api<number>(
      "/orders",
      { method: "POST", json: order, headers: idem("shared", { Authorization: "Bearer test-key-2" }) },
      bindings,
    );
    expectReplay(two, retryTwo);
    expect(await countRows("orders")).toBe(2);
  });
});
