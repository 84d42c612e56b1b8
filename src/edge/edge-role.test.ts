import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createProduct, desk } from "../../test/fixtures";
import { api, countRedisTrips, countRoundTrips, expectProblem } from "../../test/helpers";
import worker from "../index";
import { EDGE_KEEP_SECONDS, edgeCacheKey } from "./edge-role";

/**
 * The edge role in front of the real origin role: its ORIGIN service binding calls the Worker's
 * own fetch with the test stack's bindings, as Cloudflare would call the placed Worker, and
 * counts the requests that cross to it.
 */
function edge() {
  const crossed: string[] = [];
  const origin = {
    async fetch(input: RequestInfo | URL, init?: RequestInit) {
      const request = new Request(input, init);
      crossed.push(`${request.method} ${new URL(request.url).pathname}`);
      const ctx = createExecutionContext();
      const res = await worker.fetch(request, env, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    },
  };
  return { bindings: { ROLE: "edge", ORIGIN: origin as unknown as Fetcher }, crossed };
}

// Answers stay in this location's cache for the whole run: each test reads with an Origin of its
// own, which is part of the cache key, so no test finds another's answers.
const caller = () => ({ Origin: `https://t${crypto.randomUUID().slice(0, 8)}.example` });

/** Moves a stored answer's stamp `seconds` back, as if it had been stored that long ago. */
async function ageStored(path: string, headers: Record<string, string>, seconds: number) {
  const key = edgeCacheKey(new Request(`http://api.test${path}`, { headers }));
  const stored = await caches.default.match(key);
  if (!stored) throw new Error(`nothing stored for ${path}`);
  const older = new Response(stored.body, stored);
  older.headers.set("X-Edge-Stored-At", String(Number(stored.headers.get("X-Edge-Stored-At")) - seconds * 1000));
  older.headers.set("Cache-Control", `max-age=${EDGE_KEEP_SECONDS}`);
  await caches.default.put(key, older);
}

describe("the edge role", () => {
  it("sends a default read to the origin every time: exact, as without the edge", async () => {
    await createProduct();
    const { bindings, crossed } = edge();
    const who = caller();
    const first = await api("/products/1", { headers: who }, bindings);
    const second = await api("/products/1", { headers: who }, bindings);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.headers.get("X-Cache"), second.headers.get("X-Cache")]).toEqual(["MISS", "HIT"]);
    expect(crossed).toEqual(["GET /products/1", "GET /products/1"]);
  });

  it("answers a max-stale read from its cache with Age, no crossing, no database, no Redis", async () => {
    await createProduct();
    const { bindings, crossed } = edge();
    const headers = { ...caller(), "Cache-Control": "max-stale=60" };
    const first = await api<{ id: number }>("/products/1", { headers }, bindings);
    expect(first.status).toBe(200);
    const { result, redisTrips } = await countRedisTrips(() =>
      countRoundTrips(() => api<{ id: number }>("/products/1", { headers }, bindings)),
    );
    const atEdge = result.result;
    expect([result.roundTrips, redisTrips]).toEqual([0, 0]);
    expect(crossed).toEqual(["GET /products/1"]);
    expect(atEdge.status).toBe(200);
    expect(atEdge.headers.get("X-Cache")).toBe("EDGE");
    expect(atEdge.headers.get("Age")).toBe("0");
    expect(atEdge.text).toBe(first.text);
    expect(atEdge.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(atEdge.headers.get("X-Request-Id")).not.toBe(first.headers.get("X-Request-Id"));
    expect(atEdge.headers.get("Server-Timing")).toBe('edge;desc="served at the edge"');
    // A matching If-None-Match is answered there too.
    const unchanged = await api(
      "/products/1",
      { headers: { ...headers, "If-None-Match": first.headers.get("ETag") ?? "" } },
      bindings,
    );
    expect([unchanged.status, unchanged.text, unchanged.headers.get("X-Cache")]).toEqual([304, "", "EDGE"]);
    expect(crossed).toHaveLength(1);
  });

  it("never serves an answer older than max-stale: older ones go to the origin, and are stored again", async () => {
    await createProduct();
    const { bindings, crossed } = edge();
    const who = caller();
    const read = (maxStale: number) =>
      api<{ price: number }>(
        "/products/1",
        { headers: { ...who, "Cache-Control": `max-stale=${maxStale}` } },
        bindings,
      );
    expect((await read(60)).body.price).toBe(100);
    // The product changes; the stored answer is now 10 s old.
    expect((await api("/products/1", { method: "PUT", json: { ...desk, price: 150 } })).status).toBe(200);
    await ageStored("/products/1", who, 10);
    const young = await read(15);
    expect([young.headers.get("X-Cache"), young.headers.get("Age"), young.body.price]).toEqual(["EDGE", "10", 100]);
    const strict = await read(5);
    expect([strict.headers.get("X-Cache"), strict.headers.get("Age"), strict.body.price]).toEqual(["MISS", null, 150]);
    expect(crossed).toEqual(["GET /products/1", "GET /products/1"]);
    // What the origin answered replaced the old answer.
    const again = await read(5);
    expect([again.headers.get("X-Cache"), again.body.price]).toEqual(["EDGE", 150]);
  });

  it("takes no-cache (and max-age=0) over max-stale: the origin answers", async () => {
    await createProduct();
    const { bindings, crossed } = edge();
    const who = caller();
    await api("/products-count", { headers: { ...who, "Cache-Control": "max-stale=60" } }, bindings);
    for (const directive of ["max-stale=60, no-cache", "no-cache", "max-stale, max-age=0"]) {
      const res = await api("/products-count", { headers: { ...who, "Cache-Control": directive } }, bindings);
      expect([res.status, res.headers.get("X-Cache") === "EDGE"]).toEqual([200, false]);
    }
    expect(crossed).toHaveLength(4);
  });

  it("never answers a write from its cache, whatever the request says", async () => {
    const { bindings, crossed } = edge();
    const headers = { ...caller(), "Cache-Control": "max-stale=300" };
    const one = await api<{ id: number }>("/products", { method: "POST", json: desk, headers }, bindings);
    const two = await api<{ id: number }>("/products", { method: "POST", json: desk, headers }, bindings);
    expect([one.status, one.body.id, two.status, two.body.id]).toEqual([201, 1, 201, 2]);
    const gone = await api("/products/1", { method: "DELETE", headers }, bindings);
    expect(gone.status).toBe(202);
    expect(crossed).toEqual(["POST /products", "POST /products", "DELETE /products/1"]);
    // A default read after the writes sees them: exact.
    const count = await api("/products-count", { headers: { Origin: headers.Origin } }, bindings);
    expect(count.body).toBe(1);
  });

  it("keeps only cached reads' 200s: a 404 or a 422 is asked of the origin every time", async () => {
    const { bindings, crossed } = edge();
    const headers = { ...caller(), "Cache-Control": "max-stale=60" };
    for (let i = 0; i < 2; i++) {
      expectProblem(await api("/products/7", { headers }, bindings), 404, "Product 7 does not exist", "/products/7");
      expect((await api("/products?page=0", { headers }, bindings)).status).toBe(422);
    }
    expect(crossed).toHaveLength(4);
  });

  it("keeps answers apart by Origin, since their CORS headers differ", async () => {
    await createProduct();
    const { bindings, crossed } = edge();
    const cors = { ...bindings, CORS_ORIGINS: "*" };
    const a = caller();
    const b = caller();
    await api("/products/1", { headers: { ...a, "Cache-Control": "max-stale=60" } }, cors);
    const other = await api("/products/1", { headers: { ...b, "Cache-Control": "max-stale=60" } }, cors);
    expect(other.headers.get("X-Cache")).not.toBe("EDGE");
    expect(crossed).toHaveLength(2);
  });
});
