import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createProduct } from "../fixtures";
import { api } from "../helpers";

/** The metrics of a Server-Timing header, by name: duration and description. */
function metrics(header: string | null): Record<string, { dur: number; desc: string }> {
  const out: Record<string, { dur: number; desc: string }> = {};
  for (const part of (header ?? "").split(",").filter(Boolean)) {
    const [name = "", ...params] = part.trim().split(";");
    const dur = Number(params.find((p) => p.startsWith("dur="))?.slice(4));
    const desc =
      params
        .find((p) => p.startsWith("desc="))
        ?.slice(5)
        .replace(/^"|"$/g, "") ?? "";
    out[name] = { dur, desc };
  }
  return out;
}

describe("Server-Timing on every answer", () => {
  it("names the database's round trips and Redis's calls a read waited on, and the total", async () => {
    await createProduct();
    const miss = await api("/products/1");
    const m = metrics(miss.headers.get("Server-Timing"));
    expect(Object.keys(m).sort()).toEqual(["db", "redis", "total"]);
    expect(m.db?.desc).toBe("1 round trip(s)");
    // The lookup (answered, or refused with Redis down); the write-back runs after the answer is sent.
    expect(m.redis?.desc).toBe("1 call(s)");
    for (const metric of Object.values(m)) expect(metric.dur).toBeGreaterThanOrEqual(0);
    expect(m.total?.desc).toBe("total");
  });

  it("shows a hit waited on Redis alone, and GET / on nothing", async () => {
    if (env.STACK_REDIS_DOWN) return;
    await createProduct();
    await api("/products/1");
    const hit = await api("/products/1");
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    expect(Object.keys(metrics(hit.headers.get("Server-Timing"))).sort()).toEqual(["redis", "total"]);
    const root = await api("/");
    expect(Object.keys(metrics(root.headers.get("Server-Timing")))).toEqual(["total"]);
  });

  it("is on errors too, and readable cross-origin only by the origins CORS lets read", async () => {
    const problem = await api("/products/999");
    expect(problem.status).toBe(404);
    expect(Object.keys(metrics(problem.headers.get("Server-Timing"))).sort()).toEqual(["db", "redis", "total"]);
    expect(problem.headers.get("Timing-Allow-Origin")).toBeNull();

    const named = { CORS_ORIGINS: "https://app.example" };
    const allowed = await api("/", { headers: { Origin: "https://app.example" } }, named);
    expect(allowed.headers.get("Timing-Allow-Origin")).toBe("https://app.example");
    const other = await api("/", { headers: { Origin: "https://elsewhere.example" } }, named);
    expect(other.headers.get("Timing-Allow-Origin")).toBeNull();
    const anyReads = await api("/", { headers: { Origin: "https://elsewhere.example" } }, { CORS_ORIGINS: "*" });
    expect(anyReads.headers.get("Timing-Allow-Origin")).toBe("*");
  });
});
