import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { desk } from "../../test/fixtures";
import { type ApiResponse, api, expectProblem, insertProductRow, snapshot } from "../../test/helpers";

/** An endpoint that answers every database request 503, as Neon does in an outage. */
const UNAVAILABLE_ENDPOINT = `${env.STACK_UNAVAILABLE_ORIGIN}/sql`;
const OUTCOME_UNKNOWN =
  "The write was sent but the database's answer never arrived, so its outcome is unknown. Retry it with the same Idempotency-Key to learn the outcome, or read the resource first.";
const UNREACHABLE = "The database cannot be reached; retry shortly";

/** A 500 whose body is exactly the generic problem: no stack, SQL, binding names or messages. */
function expectOpaque500(res: ApiResponse & { text: string }, instance: string) {
  const id = res.headers.get("X-Request-Id") ?? "";
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  const detail = `An unexpected error occurred; quote request id ${id} when reporting it`;
  expectProblem(res, 500, detail, instance);
  expect(res.body).toEqual({
    type: "about:blank",
    title: "Internal Server Error",
    status: 500,
    detail,
    instance,
    request_id: id,
  });
  for (const leak of ["DATABASE_URL", "stack", "at ", "Invalid Worker configuration", "postgres", "Error:"]) {
    expect(res.text).not.toContain(leak);
  }
}

describe("unexpected failures", () => {
  it("answers a configuration error with an opaque 500 that quotes the request id", async () => {
    const res = await api("/products", {}, { DATABASE_URL: "not a url" });
    expectOpaque500(res, "/products");
  });

  it("answers 500 the same way on every route, reads and writes, when the Worker is misconfigured", async () => {
    const before = await snapshot();
    expectOpaque500(await api("/", {}, { DATABASE_URL: "not a url" }), "/");
    expectOpaque500(await api("/reports-all", {}, { DATABASE_URL: undefined }), "/reports-all");
    expectOpaque500(await api("/products", { method: "POST", json: desk }, { DATABASE_URL: "not a url" }), "/products");
    expectOpaque500(await api("/orders/1", {}, { AUTH_DISABLED: "yes" }), "/orders/1");
    expect(await snapshot()).toEqual(before);
  });
});

describe("an unreachable database", () => {
  it("answers 503 with Retry-After, and a normal request afterwards works again", async () => {
    await insertProductRow(desk);
    const res = await api("/products", {}, { NEON_FETCH_ENDPOINT: UNAVAILABLE_ENDPOINT });
    expectProblem(res, 503, UNREACHABLE, "/products");
    expect(res.headers.get("Retry-After")).toBe("5");
    expect(res.body).toEqual({
      type: "about:blank",
      title: "Service Unavailable",
      status: 503,
      detail: UNREACHABLE,
      instance: "/products",
      request_id: res.headers.get("X-Request-Id"),
    });
    expect(res.text).not.toContain("127.0.0.1");

    // createDb sets the (isolate-global) fetch endpoint on every request that has the binding.
    const after = await api<{ id: number }[]>("/products");
    expect(after.status).toBe(200);
    expect(after.body.map((p) => p.id)).toEqual([1]);
  });

  it("answers a write with 503 too, saying its outcome is unknown, and writes nothing", async () => {
    const before = await snapshot();
    const res = await api("/products", { method: "POST", json: desk }, { NEON_FETCH_ENDPOINT: UNAVAILABLE_ENDPOINT });
    // A gateway error and an answer lost after the commit look the same from the Worker.
    expectProblem(res, 503, OUTCOME_UNKNOWN, "/products");
    expect(res.headers.get("Retry-After")).toBe("5");
    const report = await api("/reports-all", {}, { NEON_FETCH_ENDPOINT: UNAVAILABLE_ENDPOINT });
    expectProblem(report, 503, UNREACHABLE, "/reports-all");
    expect(await snapshot()).toEqual(before);
    const retried = await api("/products", { method: "POST", json: desk });
    expect(retried.status).toBe(201);
  });

  it("reports the database as down on /health with 503", async () => {
    const res = await api("/health", {}, { NEON_FETCH_ENDPOINT: UNAVAILABLE_ENDPOINT });
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.headers.get("Retry-After")).toBe("5");
    const cache = env.STACK_REDIS_DOWN ? "unreachable" : "ok";
    expect(res.body).toEqual({ status: "down", checks: { database: "unreachable", cache } });

    const healthy = await api("/health");
    expect(healthy.status).toBe(200);
    expect(healthy.body).toEqual({ status: cache === "ok" ? "ok" : "degraded", checks: { database: "ok", cache } });
  });
});
