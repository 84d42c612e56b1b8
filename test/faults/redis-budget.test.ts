import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createProduct, desk } from "../fixtures";
import { api, db } from "../helpers";
import { faultStats, inject } from "./support";

// An isolate that leaves a failed Redis alone for a minute. The isolate remembers failures per
// Redis URL, and this suite's files share one isolate in which earlier tests failed this Redis on
// purpose: the same proxy named with a trailing slash (which the client drops from requests) is a
// Redis this isolate has never seen fail.
const limited = {
  UPSTASH_REDIS_REST_URL: `${env.UPSTASH_REDIS_REST_URL}/`,
  REDIS_TIMEOUT_MS: "200",
  REDIS_COOL_OFF_MS: "60000",
};

describe("a Redis that accepts the connection and never answers", () => {
  it("costs a request one deadline, and the next requests none", async () => {
    await createProduct();
    await inject("redis", { mode: "hang" });

    const read = await api("/products/1", {}, limited);
    expect([read.status, read.headers.get("X-Cache")]).toEqual([200, "BYPASS"]);
    // One Redis call was tried (the cache lookup) and timed out; the write-back was skipped.
    expect((await faultStats("redis")).hung).toBe(1);

    const again = await api("/products/1", {}, limited);
    expect([again.status, again.headers.get("X-Cache")]).toEqual([200, "BYPASS"]);
    const write = await api(
      "/orders",
      { method: "POST", json: { product_ids: [1], amounts: [1] }, headers: { "Idempotency-Key": "k1" } },
      limited,
    );
    expect([write.status, write.body]).toEqual([201, 1]);
    const put = await api("/products/1", { method: "PUT", json: { ...desk, price: 7 } }, limited);
    expect(put.status).toBe(200);
    // The isolate is cooling off: none of these asked Redis.
    expect((await faultStats("redis")).hung).toBe(1);
    // Every write's invalidation is in the outbox (the create's, the order's, the replace's), for the drain.
    const [row] = await db().query("select count(*)::int as n from cache_outbox");
    expect(row?.n).toBe(3);
  });
});
