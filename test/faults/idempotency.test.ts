import { describe, expect, it } from "vitest";
import { createProduct } from "../fixtures";
import { api, db, expectProblem } from "../helpers";
import { held, holdLock, inject, lockWaiters, release, releaseLock } from "./support";

const OUTCOME_UNKNOWN =
  "The write was sent but the database's answer never arrived, so its outcome is unknown. Retry it with the same Idempotency-Key to learn the outcome, or read the resource first.";

const order = { product_ids: [1], amounts: [2] };
const post = (key: string, headers: Record<string, string> = {}, json: unknown = order) =>
  api<number>("/orders", { method: "POST", json, headers: { "Idempotency-Key": key, ...headers } });

async function orderCount(): Promise<number> {
  const [row] = await db().query("select count(*)::int as n from orders");
  return Number(row?.n);
}

describe("exactly one write per Idempotency-Key, whatever fails", () => {
  it("answer lost after the commit: 503 'outcome unknown', then the retry replays the first outcome", async () => {
    await createProduct();
    // The Neon proxy runs the batch and commits; the answer never reaches the Worker.
    await inject("db", { mode: "drop", match: "insert into orders", times: 1 });
    const lost = await post("lost-answer");
    expectProblem(lost, 503, OUTCOME_UNKNOWN, "/orders");
    expect(lost.headers.get("Retry-After")).toBe("5");
    expect(await orderCount()).toBe(1);

    const retry = await post("lost-answer");
    expect(retry.status).toBe(201);
    expect(retry.body).toBe(1);
    expect(retry.headers.get("Location")).toBe("/orders/1");
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await orderCount()).toBe(1);
    // Later retries replay it too.
    const again = await post("lost-answer");
    expect([again.status, again.body, again.headers.get("Idempotent-Replayed")]).toEqual([201, 1, "true"]);
    expect(await orderCount()).toBe(1);
  });

  it("a database slower than the in-flight lock: the late first request and its retry make one order", async () => {
    await createProduct();
    await inject("db", { mode: "hold", match: "insert into orders", times: 1 });
    const first = post("slow-db");
    await held("db", 1);
    // The first request has not reached Postgres: nothing holds the key, and the retry writes.
    const retry = await post("slow-db");
    expect([retry.status, retry.body]).toEqual([201, 1]);
    await release("db");
    const late = await first;
    // The late one finds the key committed in Postgres and answers what the retry answered.
    expect([late.status, late.body, late.headers.get("Idempotent-Replayed")]).toEqual([201, 1, "true"]);
    expect(await orderCount()).toBe(1);
  });

  it("a retry while the first write runs waits for it on the key's row, then replays its answer", async () => {
    await createProduct();
    // The first write claims its key, then waits for the product's row (its line's foreign key).
    const lock = await holdLock("select id from products where id = 1 for update");
    const first = post("in-flight");
    await lockWaiters(1);
    // The retry's claim waits for the first transaction's uncommitted key.
    const retry = post("in-flight");
    await lockWaiters(2);
    await releaseLock(lock);
    const [a, b] = await Promise.all([first, retry]);
    expect([a.status, a.body, a.headers.get("Idempotent-Replayed")]).toEqual([201, 1, null]);
    expect([b.status, b.body, b.headers.get("Idempotent-Replayed")]).toEqual([201, 1, "true"]);
    expect(await orderCount()).toBe(1);
  });

  it("concurrent requests with one key, Redis failing: one write, and every one answers it", async () => {
    await createProduct();
    await inject("redis", { mode: "error" });
    const answers = await Promise.all(Array.from({ length: 6 }, () => post("together")));
    // The first claim in Postgres wins; the others wait for its transaction, then replay it.
    expect(answers.map((a) => [a.status, a.body])).toEqual(Array.from({ length: 6 }, () => [201, 1]));
    expect(answers.filter((a) => a.headers.get("Idempotent-Replayed") === "true")).toHaveLength(5);
    expect(await orderCount()).toBe(1);
  });
});

// Clients and gateways keep X-Request-Id across retries. The id is only logged: the key's claim
// belongs to the attempt (a token the Worker makes), so a repeated id never passes for a fresh claim.
describe("a retry that repeats the first request's X-Request-Id", () => {
  const sameId = { "X-Request-Id": "client-chosen-id-1" };

  it("Redis off, a plain retry: replays the first answer and writes nothing", async () => {
    await createProduct();
    await inject("redis", { mode: "error" });
    const first = await post("same-id-retry", sameId);
    expect([first.status, first.body]).toEqual([201, 1]);
    const retry = await post("same-id-retry", sameId);
    expect([retry.status, retry.body, retry.headers.get("Idempotent-Replayed")]).toEqual([201, 1, "true"]);
    expect(await orderCount()).toBe(1);
  });

  it("Redis off, a different body under the key: 422, and nothing is written", async () => {
    await createProduct();
    await inject("redis", { mode: "error" });
    expect((await post("same-id-other-body", sameId)).status).toBe(201);
    const other = await post("same-id-other-body", sameId, { product_ids: [1], amounts: [3] });
    expectProblem(other, 422, "This Idempotency-Key was already used with a different request", "/orders");
    expect(await orderCount()).toBe(1);
  });

  it("Redis on, the first answer lost after the commit: the retry replays it", async () => {
    await createProduct();
    await inject("db", { mode: "drop", match: "insert into orders", times: 1 });
    expectProblem(await post("same-id-lost", sameId), 503, OUTCOME_UNKNOWN, "/orders");
    const retry = await post("same-id-lost", sameId);
    expect([retry.status, retry.body, retry.headers.get("Idempotent-Replayed")]).toEqual([201, 1, "true"]);
    expect(await orderCount()).toBe(1);
  });

  it("Redis answering 503 to everything: the retry replays the first answer", async () => {
    await createProduct();
    await inject("redis", { mode: "error", status: 503 });
    expect((await post("same-id-redis-503", sameId)).status).toBe(201);
    const retry = await post("same-id-redis-503", sameId);
    expect([retry.status, retry.body, retry.headers.get("Idempotent-Replayed")]).toEqual([201, 1, "true"]);
    expect(await orderCount()).toBe(1);
  });

  it("10 concurrent requests with one key and one id, Redis off: one order, every answer its id", async () => {
    await createProduct();
    await inject("redis", { mode: "error" });
    const answers = await Promise.all(Array.from({ length: 10 }, () => post("same-id-together", sameId)));
    expect(answers.map((a) => [a.status, a.body])).toEqual(Array.from({ length: 10 }, () => [201, 1]));
    expect(answers.filter((a) => a.headers.get("Idempotent-Replayed") === "true")).toHaveLength(9);
    expect(await orderCount()).toBe(1);
  });
});
