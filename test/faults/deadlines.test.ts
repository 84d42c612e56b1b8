import { describe, expect, it } from "vitest";
import { createProduct, desk } from "../fixtures";
import { api, db, expectProblem } from "../helpers";
import { faultStats, inject } from "./support";

// Short deadlines, so the test does not wait the production defaults out.
const fast = { DB_TIMEOUT_MS: "300", DB_WRITE_TIMEOUT_MS: "400" };

describe("a database that accepts the connection and never answers", () => {
  it("answers a read with 503 at the read deadline", async () => {
    await createProduct();
    await inject("db", { mode: "hang" });
    const res = await api("/products/1", {}, fast);
    expectProblem(res, 503, "The database did not answer within 300 ms; retry shortly", "/products/1");
    expect(res.headers.get("Retry-After")).toBe("5");
    expect((await faultStats("db")).hung).toBe(1);
  });

  it("answers /health with 503 'down'", async () => {
    await inject("db", { mode: "hang" });
    const res = await api("/health", {}, fast);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "down", checks: { database: "unreachable", cache: "ok" } });
  });

  it("answers a write with 503 'outcome unknown' at the write deadline; nothing was written", async () => {
    await inject("db", { mode: "hang" });
    const res = await api("/products", { method: "POST", json: desk }, fast);
    expectProblem(
      res,
      503,
      "The write was sent but the database's answer never arrived, so its outcome is unknown. Retry it with the same Idempotency-Key to learn the outcome, or read the resource first.",
      "/products",
    );
    expect(await db().query("select id from products")).toEqual([]);
  });
});
