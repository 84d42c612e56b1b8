import { describe, expect, it } from "vitest";
import { createProduct } from "../../test/fixtures";
import { api, redis } from "../../test/helpers";

describe("cache keys come from the validated parameters only", () => {
  it("serves 200 GETs of one product with junk query parameters from one entry", async () => {
    await createProduct();
    const outcomes: (string | null)[] = [];
    for (let i = 0; i < 200; i++) outcomes.push((await api(`/products/1?junk=${i}`)).headers.get("X-Cache"));
    expect(outcomes[0]).toBe("MISS");
    expect(outcomes.slice(1)).toEqual(Array.from({ length: 199 }, () => "HIT"));
    expect(await redis().keys("cache:*")).toEqual(["cache:/products/1?"]);
  });

  it("gives a list one entry whatever the order, defaults or junk of its query", async () => {
    await createProduct();
    const paths = ["/products", "/products?page=1", "/products?page_size=2&page=1", "/products?x=1&page=1&page_size=2"];
    const outcomes = [];
    for (const path of paths) outcomes.push((await api(path)).headers.get("X-Cache"));
    expect(outcomes).toEqual(["MISS", "HIT", "HIT", "HIT"]);
    expect(await redis().keys("cache:*")).toHaveLength(1);
  });

  it("caches nothing for an invalid query, which answers 422", async () => {
    const res = await api("/products?page=0");
    expect(res.status).toBe(422);
    expect(await redis().keys("cache:*")).toEqual([]);
  });
});
