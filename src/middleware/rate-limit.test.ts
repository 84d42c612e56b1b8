import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { desk } from "../../test/fixtures";
import { type ApiResponse, api, db, expectProblem, insertProductRow, snapshot } from "../../test/helpers";

// The limiters (miniflare's Rate Limiting simulation) count per key for the whole run, so every
// test uses callers of its own.
const run = crypto.randomUUID().slice(0, 8);
let serial = 0;
const uniqueIp = () => `2001:db8:${run.slice(0, 4)}:${run.slice(4)}::${(++serial).toString(16)}`;
const uniqueKey = () => `rl-${run}-${++serial}`;

const READS_OF_3 = { RATE_LIMIT_READS: env.TEST_LIMIT_3 };
const WRITES_OF_2 = { RATE_LIMIT_WRITES: env.TEST_LIMIT_2 };

function expectLimited(res: ApiResponse, kind: "reads" | "writes", instance: string) {
  expectProblem(res, 429, `Rate limit for ${kind} reached; retry after 60 s`, instance);
  expect(res.headers.get("Retry-After")).toBe("60");
}

describe("read limits", () => {
  it("lets the quota through, then answers 429 with Retry-After, per client address", async () => {
    await insertProductRow(desk);
    const ip = uniqueIp();
    for (let i = 0; i < 3; i++) {
      const res = await api<unknown[]>("/products", { headers: { "CF-Connecting-IP": ip } }, READS_OF_3);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
    }
    expectLimited(await api("/products", { headers: { "CF-Connecting-IP": ip } }, READS_OF_3), "reads", "/products");
    // Every read route shares the caller's budget.
    const other = await api("/products-count", { headers: { "CF-Connecting-IP": ip } }, READS_OF_3);
    expectLimited(other, "reads", "/products-count");
    // Another client address has its own budget.
    const elsewhere = await api("/products", { headers: { "CF-Connecting-IP": uniqueIp() } }, READS_OF_3);
    expect(elsewhere.status).toBe(200);
  });

  it("counts a read the route refuses (an invalid query) like any other", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 3; i++) {
      const res = await api("/products?page=0", { headers: { "CF-Connecting-IP": ip } }, READS_OF_3);
      expectProblem(res, 422, "page: must be an integer ≥ 1", "/products");
    }
    expectLimited(await api("/products", { headers: { "CF-Connecting-IP": ip } }, READS_OF_3), "reads", "/products");
  });

  it("does not count reads against the write limit", async () => {
    const ip = uniqueIp();
    const limits = { RATE_LIMIT_READS: env.TEST_LIMIT_2, RATE_LIMIT_WRITES: env.TEST_LIMIT_3 };
    for (let i = 0; i < 2; i++)
      expect((await api("/products", { headers: { "CF-Connecting-IP": ip } }, limits)).status).toBe(200);
    expect((await api("/products", { headers: { "CF-Connecting-IP": ip } }, limits)).status).toBe(429);
    const write = await api("/products", { method: "POST", json: desk, headers: { "CF-Connecting-IP": ip } }, limits);
    expect(write.status).toBe(201);
  });

  it("limits nothing without limiter bindings", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 5; i++) {
      expect((await api("/products-count", { headers: { "CF-Connecting-IP": ip } })).status).toBe(200);
    }
  });

  it("holds while Redis is unreachable: the limiter needs no Redis", async () => {
    const ip = uniqueIp();
    const bindings = { ...READS_OF_3, UPSTASH_REDIS_REST_URL: env.STACK_UNAVAILABLE_ORIGIN };
    for (let i = 0; i < 3; i++) {
      expect((await api("/products-count", { headers: { "CF-Connecting-IP": ip } }, bindings)).status).toBe(200);
    }
    expectLimited(
      await api("/products-count", { headers: { "CF-Connecting-IP": ip } }, bindings),
      "reads",
      "/products-count",
    );
  });
});

describe("write limits", () => {
  it("limits writes per API key; the refused write changes nothing", async () => {
    const [keyOne, keyTwo] = [uniqueKey(), uniqueKey()];
    const bindings = { AUTH_DISABLED: "false", API_KEYS: `${keyOne},${keyTwo}`, ...WRITES_OF_2 };
    // The same address for both keys: the key, not the address, is the caller.
    const ip = uniqueIp();
    const as = (key: string) => ({ Authorization: `Bearer ${key}`, "CF-Connecting-IP": ip });
    for (let i = 0; i < 2; i++) {
      expect((await api("/products", { method: "POST", json: desk, headers: as(keyOne) }, bindings)).status).toBe(201);
    }
    const before = await snapshot();
    expect(before.products).toHaveLength(2);

    const limited = await api(
      "/products",
      { method: "POST", json: { ...desk, product_name: "Third" }, headers: as(keyOne) },
      bindings,
    );
    expectLimited(limited, "writes", "/products");
    expectLimited(
      await api("/products/1", { method: "DELETE", headers: as(keyOne) }, bindings),
      "writes",
      "/products/1",
    );
    expect(await snapshot()).toEqual(before);

    // Reads are not limited by the write quota.
    expect((await api("/products", { headers: as(keyOne) }, bindings)).status).toBe(200);
    const other = await api(
      "/products",
      { method: "POST", json: { ...desk, product_name: "Other key" }, headers: as(keyTwo) },
      bindings,
    );
    expect(other.status).toBe(201);
    expect(await db().query("select count(*)::int as n from products")).toEqual([{ n: 3 }]);
  });
});

describe("requests refused before they could write still count", () => {
  const keyed = (ip: string) => ({ "CF-Connecting-IP": ip, "Idempotency-Key": `k-${crypto.randomUUID()}` });

  it("wrong API keys count against the address that sends them, whatever key each guess tries", async () => {
    const ip = uniqueIp();
    const bindings = { AUTH_DISABLED: "false", API_KEYS: uniqueKey(), ...WRITES_OF_2 };
    for (let i = 0; i < 2; i++) {
      const guess = await api(
        "/products",
        { method: "POST", json: desk, headers: { Authorization: `Bearer guess-${i}`, "CF-Connecting-IP": ip } },
        bindings,
      );
      expectProblem(guess, 401, "The API key is not valid", "/products");
    }
    const third = await api(
      "/products",
      { method: "POST", json: desk, headers: { Authorization: "Bearer guess-3", "CF-Connecting-IP": ip } },
      bindings,
    );
    expectLimited(third, "writes", "/products");
    // Without any key, the same address is the same caller.
    expectLimited(
      await api("/products", { method: "POST", json: desk, headers: { "CF-Connecting-IP": ip } }, bindings),
      "writes",
      "/products",
    );
    expect(await db().query("select count(*)::int as n from products")).toEqual([{ n: 0 }]);
  });

  for (const withKey of [false, true]) {
    it(`bodies that are not JSON count${withKey ? ", with an Idempotency-Key" : ""}`, async () => {
      const ip = uniqueIp();
      const headers = (extra: Record<string, string>) => ({
        ...(withKey ? keyed(ip) : { "CF-Connecting-IP": ip }),
        ...extra,
      });
      const malformed = await api(
        "/products",
        { method: "POST", body: "{not json", headers: headers({ "Content-Type": "application/json" }) },
        WRITES_OF_2,
      );
      expectProblem(malformed, 400, "The body is not valid JSON", "/products");
      const text = await api(
        "/products",
        { method: "POST", body: "Desk", headers: headers({ "Content-Type": "text/plain" }) },
        WRITES_OF_2,
      );
      expectProblem(text, 415, "The body must be JSON (Content-Type: application/json), not text/plain", "/products");
      expectLimited(
        await api("/products", { method: "POST", json: desk, headers: headers({}) }, WRITES_OF_2),
        "writes",
        "/products",
      );
      expect(await db().query("select count(*)::int as n from products")).toEqual([{ n: 0 }]);
    });
  }

  it("a write with an invalid Idempotency-Key counts, and writes nothing", async () => {
    const ip = uniqueIp();
    const before = await snapshot();
    const bad = { "CF-Connecting-IP": ip, "Idempotency-Key": "not visible" };
    for (let i = 0; i < 2; i++) {
      const res = await api("/products", { method: "POST", json: desk, headers: bad }, WRITES_OF_2);
      expectProblem(res, 422, "Idempotency-Key must be 1–255 visible ASCII characters", "/products");
    }
    expectLimited(
      await api("/products", { method: "POST", json: desk, headers: bad }, WRITES_OF_2),
      "writes",
      "/products",
    );
    expect(await snapshot()).toEqual(before);
  });
});
