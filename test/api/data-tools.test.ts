import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createProduct } from "../fixtures";
import { type ApiResponse, api, db, fresh, hit, primed } from "../helpers";
import type { ToolRun } from "../tool-runner";

/** Runs `npm run <tool> -- <args>` against the test stack, as a developer runs it against theirs. */
async function runTool(tool: string, ...args: string[]): Promise<ToolRun> {
  const res = await fetch(`${env.STACK_TOOLS}/run`, { method: "POST", body: JSON.stringify({ tool, args }) });
  expect(res.status).toBe(200);
  return (await res.json()) as ToolRun;
}

async function outboxRows(): Promise<number> {
  const [row] = await db().query("select count(*)::int as n from cache_outbox");
  return Number(row?.n);
}

const applied = (rows: number) =>
  `Cache: invalidated in ${env.STACK_UPSTASH_URL}, none left owed (${rows} outbox ${rows === 1 ? "row" : "rows"} applied here); the API's next reads come from the database.`;

// With the API's Redis named (UPSTASH_REDIS_REST_URL and _TOKEN), a data tool applies the
// invalidations its writes recorded before it exits: the next read of anything it changed comes
// from the database, not from what was cached before it ran.
// Each test runs a data tool as a process of its own (tsx, a connection, its statements): on a
// loaded 2-core machine that alone took 5–8 s, past vitest's default 5 s.
const TOOL_TIMEOUT_MS = 30_000;

describe("the data tools invalidate what they change in the API's cache", { timeout: TOOL_TIMEOUT_MS }, () => {
  it("db:seed: the counts and lists cached on the empty database are not served after it", async () => {
    const paths = ["/products-count", "/products", "/orders-count", "/orders_products-count"];
    const cached = [];
    for (const path of paths) {
      // The first read of a new Redis starts the generations; answers are kept from the second.
      await api(path);
      cached.push(await hit(path, await api(path)));
    }
    expect(cached.map((c) => c.body)).toEqual([0, [], 0, 0]);

    const seed = await runTool("db:seed", "--products", "200", "--orders", "20", "--lines", "40");
    expect(seed.stderr).toBe("");
    expect(seed.code).toBe(0);
    // One row per statement that wrote: products, orders, lines, and the rollups' rebuild (orders).
    expect(seed.stdout).toContain(`\n${applied(4)}\n`);
    expect(await outboxRows()).toBe(0);

    const after = [];
    for (const [i, path] of paths.entries()) after.push(await fresh(path, cached[i] as ApiResponse));
    // The list's first page (2 by default): the seed's first products.
    const ids = (after[1] as { id: number }[]).map((p) => p.id);
    expect([after[0], ids, after[2], after[3]]).toEqual([200, [1, 2], 20, 40]);
  });

  it("db:reset: what was cached before the reset is not served after it", async () => {
    await createProduct();
    const count = await primed("/products-count");
    const product = await primed("/products/1");
    expect([count.body, product.status]).toEqual([1, 200]);

    const reset = await runTool("db:reset", "--yes");
    expect(reset.stderr).toBe("");
    expect(reset.code).toBe(0);
    // The schema is dropped, not written row by row: the reset records itself that everything changed.
    expect(reset.stdout).toContain(`\n${applied(1)}\n`);
    expect(await outboxRows()).toBe(0);

    expect(await fresh("/products-count", count)).toBe(0);
    const gone = await api("/products/1");
    expect([gone.status, gone.headers.get("X-Cache")]).toEqual([404, "BYPASS"]);
  });
});
