import { describe, expect, it } from "vitest";
import type { FaultRule } from "../../dev/proxies/fault-proxy/server";
import { createProduct, desk } from "../fixtures";
import { api, expectProblem, snapshot } from "../helpers";
import { faultStats, inject } from "./support";

// Whatever stands between the Worker and Postgres (Neon's proxy, a gateway, a captive portal) may
// answer in Postgres's place. Only a Postgres result or a Postgres error (a 400 whose JSON carries
// a SQLSTATE) is the database speaking; anything else means it could not be reached.

const UNREACHABLE = "The database cannot be reached; retry shortly";
const OUTCOME_UNKNOWN =
  "The write was sent but the database's answer never arrived, so its outcome is unknown. Retry it with the same Idempotency-Key to learn the outcome, or read the resource first.";

const NOT_POSTGRES: [string, Omit<FaultRule, "mode">][] = [
  ["429 rate limit (text)", { status: 429, body: "Too Many Requests", contentType: "text/plain" }],
  [
    "401 (JSON without a SQLSTATE)",
    { status: 401, body: '{"message":"authentication required"}', contentType: "application/json" },
  ],
  ["400 with a text body", { status: 400, body: "Bad Request", contentType: "text/plain" }],
  [
    "400 JSON with an empty code (Neon's own errors)",
    {
      status: 400,
      body: '{"message":"missing database name","code":"","severity":""}',
      contentType: "application/json",
    },
  ],
  ["403 HTML", { status: 403, body: "<html><body>Forbidden</body></html>", contentType: "text/html" }],
  ["502 HTML from a gateway", { status: 502, body: "<html><body>Bad Gateway</body></html>", contentType: "text/html" }],
  ["200 JSON that is no query result", { status: 200, body: '{"status":"ok"}', contentType: "application/json" }],
  [
    "200 HTML (a captive portal)",
    { status: 200, body: "<!doctype html><title>Log in</title>", contentType: "text/html" },
  ],
];

describe.each(NOT_POSTGRES)("the Neon endpoint answers %s", (_, answer) => {
  it("a read answers 503 with Retry-After", async () => {
    await createProduct();
    await inject("db", { mode: "answer", ...answer });
    const res = await api("/products/1");
    expectProblem(res, 503, UNREACHABLE, "/products/1");
    expect(res.headers.get("Retry-After")).toBe("5");
    expect((await faultStats("db")).errored).toBe(1);
  });

  it("/health answers 503 'down'", async () => {
    await inject("db", { mode: "answer", ...answer });
    const res = await api("/health");
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("5");
    expect(res.body).toEqual({ status: "down", checks: { database: "unreachable", cache: "ok" } });
  });

  it("a write answers 503 'outcome unknown' with Retry-After; nothing was written", async () => {
    await inject("db", { mode: "answer", ...answer });
    const res = await api("/products", { method: "POST", json: desk, headers: { "Idempotency-Key": "not-pg" } });
    expectProblem(res, 503, OUTCOME_UNKNOWN, "/products");
    expect(res.headers.get("Retry-After")).toBe("5");
    expect((await snapshot()).products).toEqual([]);
  });
});

describe("Postgres's own answers keep their meaning", () => {
  it("a serialization failure (400 with SQLSTATE 40001) rolled the write back, so it is sent again", async () => {
    await inject("db", {
      mode: "answer",
      times: 1,
      status: 400,
      contentType: "application/json",
      body: JSON.stringify({ message: "could not serialize access", code: "40001", severity: "ERROR" }),
    });
    const res = await api("/products", { method: "POST", json: desk });
    expect([res.status, res.headers.get("Location")]).toEqual([201, "/products/1"]);
    expect(await faultStats("db")).toMatchObject({ errored: 1, forwarded: 1 });
  });
});
