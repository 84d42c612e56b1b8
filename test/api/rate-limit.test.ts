import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { desk } from "../fixtures";
import { type ApiResponse, api, db, expectProblem, insertProductRow, snapshot } from "../helpers";

// The limiter remembers blocked callers in the isolate, so every test uses callers of its own.
const run = crypto.randomUUID().slice(0, 8);
let serial = 0;
const uniqueIp = () => `2001:db8:${run.slice(0, 4)}:${run.slice(4)}::${(++serial).toString(16)}`;
const uniqueKey = () => `rl-${run}-${++serial}`;

/**
 * The sliding window counts part of the previous minute's requests; a test that crosses a
 * minute boundary would see other remaining counts, so it starts early enough in a minute.
 */
async function awayFromMinuteEdge() {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 50));
}

function expectRateLimitHeaders(res: ApiResponse, policy: "reads" | "writes", quota: number, remaining: number) {
  expect(res.headers.get("RateLimit-Policy")).toBe(`"${policy}";q=${quota};w=60`);
  const match = res.headers.get("RateLimit")?.match(new RegExp(`^"${policy}";r=(\\d+);t=(\\d+)$`));
  expect(match).not.toBeNull();
  expect(Number(match?.[1])).toBe(remaining);
  const t = Number(match?.[2]);
  expect(t).toBeGreaterThanOrEqual(1);
  expect(t).toBeLessThanOrEqual(60);
}

describe("read limits", () => {
  it("lets the quota through with RateLimit headers, then answers 429 with Retry-After", async () => {
    await awayFromMinuteEdge();
    await insertProductRow(desk);
    const limits = { RATE_LIMIT_READS_PER_MINUTE: "3" };
    const ip = uniqueIp();
    for (const remaining of [2, 1, 0]) {
      const res = await api("/products", { headers: { "CF-Connecting-IP": ip } }, limits);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      expectRateLimitHeaders(res, "reads", 3, remaining);
    }

    const limited = await api("/products", { headers: { "CF-Connecting-IP": ip } }, limits);
    expectProblem(limited, 429, /^Rate limit of 3 reads per minute reached; retry after \d+ s$/, "/products");
    expect(limited.headers.get("Retry-After")).toMatch(/^\d+$/);
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expectRateLimitHeaders(limited, "reads", 3, 0);

    // Every read route shares the caller's budget.
    const other = await api("/products-count", { headers: { "CF-Connecting-IP": ip } }, limits);
    expect(other.status).toBe(429);

    // Another client address has its own budget.
    const elsewhere = await api("/products", { headers: { "CF-Connecting-IP": uniqueIp() } }, limits);
    expect(elsewhere.status).toBe(200);
    expectRateLimitHeaders(elsewhere, "reads", 3, 2);
  });

  it("does not count reads against the write limit", async () => {
    await awayFromMinuteEdge();
    const ip = uniqueIp();
    const limits = { RATE_LIMIT_READS_PER_MINUTE: "1", RATE_LIMIT_WRITES_PER_MINUTE: "5" };
    const read = await api("/products", { headers: { "CF-Connecting-IP": ip } }, limits);
    expect(read.status).toBe(200);
    expect((await api("/products", { headers: { "CF-Connecting-IP": ip } }, limits)).status).toBe(429);
    const write = await api("/products", { method: "POST", json: desk, headers: { "CF-Connecting-IP": ip } }, limits);
    expect(write.status).toBe(201);
    expectRateLimitHeaders(write, "writes", 5, 4);
  });

  it("sends no RateLimit headers when no limits are set", async () => {
    const ip = uniqueIp();
    const read = await api("/products", { headers: { "CF-Connecting-IP": ip } });
    expect(read.status).toBe(200);
    const write = await api("/products", { method: "POST", json: desk, headers: { "CF-Connecting-IP": ip } });
    expect(write.status).toBe(201);
    for (const res of [read, write]) {
      expect(res.headers.get("RateLimit")).toBeNull();
      expect(res.headers.get("RateLimit-Policy")).toBeNull();
    }
  });

  it("fails open: with Redis unreachable, reads are still answered", async () => {
    await insertProductRow(desk);
    const bindings = {
      RATE_LIMIT_READS_PER_MINUTE: "1",
      RATE_LIMIT_WRITES_PER_MINUTE: "1",
      UPSTASH_REDIS_REST_URL: env.STACK_UNAVAILABLE_ORIGIN,
    };
    const ip = uniqueIp();
    for (let i = 0; i < 3; i++) {
      const res = await api<{ id: number }[]>("/products", { headers: { "CF-Connecting-IP": ip } }, bindings);
      expect(res.status).toBe(200);
      expect(res.body.map((p) => p.id)).toEqual([1]);
    }
  });
});

describe("write limits", () => {
  it("limits writes per API key; the refused write changes nothing", async () => {
    await awayFromMinuteEdge();
    const [keyOne, keyTwo] = [uniqueKey(), uniqueKey()];
    const bindings = { AUTH_DISABLED: "false", API_KEYS: `${keyOne},${keyTwo}`, RATE_LIMIT_WRITES_PER_MINUTE: "2" };
    // The same address for both keys: the key, not the address, is the caller.
    const ip = uniqueIp();
    const as = (key: string) => ({ Authorization: `Bearer ${key}`, "CF-Connecting-IP": ip });

    for (const remaining of [1, 0]) {
      const res = await api("/products", { method: "POST", json: desk, headers: as(keyOne) }, bindings);
      expect(res.status).toBe(201);
      expectRateLimitHeaders(res, "writes", 2, remaining);
    }
    const before = await snapshot();
    expect(before.products).toHaveLength(2);

    const limited = await api(
      "/products",
      { method: "POST", json: { ...desk, product_name: "Third" }, headers: as(keyOne) },
      bindings,
    );
    expectProblem(limited, 429, /^Rate limit of 2 writes per minute reached; retry after \d+ s$/, "/products");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expectRateLimitHeaders(limited, "writes", 2, 0);
    const deleteLimited = await api("/products/1", { method: "DELETE", headers: as(keyOne) }, bindings);
    expect(deleteLimited.status).toBe(429);
    expect(await snapshot()).toEqual(before);

    // Reads are not limited by the write quota.
    const read = await api("/products", { headers: as(keyOne) }, bindings);
    expect(read.status).toBe(200);

    const other = await api(
      "/products",
      { method: "POST", json: { ...desk, product_name: "Other key" }, headers: as(keyTwo) },
      bindings,
    );
    expect(other.status).toBe(201);
    expectRateLimitHeaders(other, "writes", 2, 1);
    expect(await db().query("select count(*)::int as n from products")).toEqual([{ n: 3 }]);
  });
});

describe("requests refused before the Redis script that counts them", () => {
  it("a cached read with an invalid query still counts against the read limit", async () => {
    await awayFromMinuteEdge();
    const limits = { RATE_LIMIT_READS_PER_MINUTE: "2" };
    const ip = uniqueIp();
    for (const remaining of [1, 0]) {
      const res = await api("/products?page=0", { headers: { "CF-Connecting-IP": ip } }, limits);
      expectProblem(res, 422, "page: must be an integer ≥ 1", "/products");
      expectRateLimitHeaders(res, "reads", 2, remaining);
    }
    const limited = await api("/products?page=0", { headers: { "CF-Connecting-IP": ip } }, limits);
    expectProblem(limited, 429, /^Rate limit of 2 reads per minute reached; retry after \d+ s$/, "/products");
    expect((await api("/products", { headers: { "CF-Connecting-IP": ip } }, limits)).status).toBe(429);
  });

  it("a write with an invalid Idempotency-Key still counts against the write limit, and writes nothing", async () => {
    await awayFromMinuteEdge();
    const limits = { RATE_LIMIT_WRITES_PER_MINUTE: "2" };
    const ip = uniqueIp();
    const before = await snapshot();
    const bad = { "CF-Connecting-IP": ip, "Idempotency-Key": "not visible\u00e9" };
    for (const remaining of [1, 0]) {
      const res = await api("/products", { method: "POST", json: desk, headers: bad }, limits);
      expectProblem(res, 422, "Idempotency-Key must be 1–255 visible ASCII characters", "/products");
      expectRateLimitHeaders(res, "writes", 2, remaining);
    }
    const limited = await api("/products", { method: "POST", json: desk, headers: bad }, limits);
    expectProblem(limited, 429, /^Rate limit of 2 writes per minute reached; retry after \d+ s$/, "/products");
    expect(await snapshot()).toEqual(before);
  });
});
