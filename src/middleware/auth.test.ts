import { describe, expect, it } from "vitest";
import { desk } from "../../test/fixtures";
import { type ApiResponse, api, db, expectProblem, insertProductRow, snapshot } from "../../test/helpers";
import type { Bindings } from "../env";

const MISSING_KEY = "Writes need an API key: send Authorization: Bearer <key>";
const INVALID_KEY = "The API key is not valid";
const NO_KEYS_CONFIGURED =
  "Writes are disabled because no API keys are configured: set API_KEYS (wrangler secret put API_KEYS), or AUTH_DISABLED=true for local development";

/**
 * The Worker under test runs with AUTH_DISABLED=true; this calls the same app with other
 * bindings (keys required by default), through Hono's app.request(path, init, env).
 */
const call = <T = unknown>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
  bindings: Partial<Bindings> = {},
) => api<T>(path, init, { AUTH_DISABLED: "false", ...bindings });

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

function expectUnauthorized(res: ApiResponse, detail: string, instance: string) {
  expectProblem(res, 401, detail, instance);
  expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="api"');
  expect(res.body).toEqual({
    type: "about:blank",
    title: "Unauthorized",
    status: 401,
    detail,
    instance,
    request_id: res.headers.get("X-Request-Id"),
  });
}

describe("API keys", () => {
  it("keeps reads public without a key", async () => {
    await insertProductRow(desk);
    const list = await call<{ id: number }[]>("/products");
    expect(list.status).toBe(200);
    expect(list.body.map((p) => p.id)).toEqual([1]);
    const one = await call("/products/1");
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: 1, ...desk });
    const count = await call("/products-count");
    expect(count.status).toBe(200);
    expect(count.body).toBe(1);
    const report = await call("/reports-all");
    expect(report.status).toBe(200);
    const root = await call("/");
    expect(root.status).toBe(200);
    expect(root.body).toEqual({ message: "Hello, World!" });
  });

  it("refuses a write without a key with 401, a WWW-Authenticate challenge, and changes nothing", async () => {
    await insertProductRow(desk);
    const before = await snapshot();
    expectUnauthorized(await call("/products", { method: "POST", json: desk }), MISSING_KEY, "/products");
    expectUnauthorized(
      await call("/products/1", { method: "PUT", json: { ...desk, price: 1 } }),
      MISSING_KEY,
      "/products/1",
    );
    expectUnauthorized(await call("/products/1", { method: "DELETE" }), MISSING_KEY, "/products/1");
    expectUnauthorized(
      await call("/orders", { method: "POST", json: { product_ids: [1], amounts: [1] } }),
      MISSING_KEY,
      "/orders",
    );
    expectUnauthorized(await call("/products-batch", { method: "DELETE", json: [1] }), MISSING_KEY, "/products-batch");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a wrong key, or an Authorization header that is not a bearer key, and changes nothing", async () => {
    const before = await snapshot();
    expectUnauthorized(
      await call("/products", { method: "POST", json: desk, headers: bearer("test-key-3") }),
      INVALID_KEY,
      "/products",
    );
    expectUnauthorized(
      await call("/products", { method: "POST", json: desk, headers: bearer("test-key-1,test-key-2") }),
      INVALID_KEY,
      "/products",
    );
    expectUnauthorized(
      await call("/products", { method: "POST", json: desk, headers: { Authorization: "Basic dGVzdC1rZXktMQ==" } }),
      INVALID_KEY,
      "/products",
    );
    expectUnauthorized(
      await call("/products", { method: "POST", json: desk, headers: { Authorization: "test-key-1" } }),
      INVALID_KEY,
      "/products",
    );
    expect(await snapshot()).toEqual(before);
  });

  it("accepts either configured key", async () => {
    const first = await call<{ id: number }>("/products", {
      method: "POST",
      json: desk,
      headers: bearer("test-key-1"),
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: 1, ...desk });
    const second = await call<{ id: number }>("/products", {
      method: "POST",
      json: { ...desk, product_name: "Chair" },
      headers: { Authorization: "bearer test-key-2" },
    });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ id: 2, product_name: "Chair" });
    const removed = await call("/products/1", { method: "DELETE", headers: bearer("test-key-2") });
    expect(removed.status).toBe(202);
    expect(removed.body).toEqual({ id: 1, deleted: true });
    const rows = await db().query("select id, product_name from products order by id");
    expect(rows).toEqual([{ id: "2", product_name: "Chair" }]);
  });

  it("refuses every write when no keys are configured, saying how to configure them", async () => {
    const before = await snapshot();
    const bare = await call("/products", { method: "POST", json: desk }, { API_KEYS: "" });
    expectUnauthorized(bare, NO_KEYS_CONFIGURED, "/products");
    // A key that would be valid elsewhere is no use when none is configured.
    const keyed = await call(
      "/products",
      { method: "POST", json: desk, headers: bearer("test-key-1") },
      { API_KEYS: "" },
    );
    expectUnauthorized(keyed, NO_KEYS_CONFIGURED, "/products");
    const unset = await call("/products", { method: "POST", json: desk }, { API_KEYS: undefined });
    expectUnauthorized(unset, NO_KEYS_CONFIGURED, "/products");
    expect(await snapshot()).toEqual(before);
    // Reads stay public.
    const read = await call("/products", {}, { API_KEYS: "" });
    expect(read.status).toBe(200);
    expect(read.body).toEqual([]);
  });

  it("lets writes through without a key when AUTH_DISABLED is true, as the Worker under test runs", async () => {
    const res = await api("/products", { method: "POST", json: desk });
    expect(res.status).toBe(201);
    const viaApp = await call("/products", { method: "POST", json: desk }, { AUTH_DISABLED: "true" });
    expect(viaApp.status).toBe(201);
    expect(await db().query("select count(*)::int as n from products")).toEqual([{ n: 2 }]);
  });
});

describe("X-Request-Id", () => {
  it("sends the same request id in the header and in the error body", async () => {
    const refused = await call<{ request_id: string }>("/products", { method: "POST", json: desk });
    expect(refused.status).toBe(401);
    const id = refused.headers.get("X-Request-Id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(refused.body.request_id).toBe(id);

    const missing = await api<{ request_id: string }>("/products/42");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.body.request_id).toBe(missing.headers.get("X-Request-Id"));
    // Each request gets its own id.
    expect(missing.body.request_id).not.toBe(id);
  });
});
