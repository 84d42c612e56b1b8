// `npm run bench`: one crossing of the world per request, measured. Through `wrangler dev`, with
// the distance D (ms added per crossing) put where each topology puts it, by delaying proxies
// (dev/proxies/delay-proxy.ts) whose counters say how many crossings a request made:
//   edge    the Worker at the client's location; Neon AND Upstash D away
//   placed  the Worker next to the data ([placement]); the client D away
//   split   the edge role at the client's location, the origin role next to the data: D between them
// Per topology, D and scenario: p50 / p95 latency, p50 minus a local `GET /` (what the request
// costs beyond the Worker's own overhead), and crossings per request on the critical path (the
// proxies' requests that arrived after the client asked and finished before it had its answer)
// and in all (a cache miss also stores its answer, after answering).
//   BENCH_REQUESTS   requests per scenario (default 30)
//   BENCH_DISTANCES  comma-separated D values in ms (default 10,80,200)
// Every answer must be the scenario's success status, and no request may cross D more often than
// the design allows (GOALS): the run fails otherwise. The Workers get the stack's bindings only:
// a developer's .dev.vars is kept out.
import { type DelayProxy, startDelayProxy } from "../proxies/delay-proxy.ts";
import { freePort, resolveTestRedis } from "../stack/redis.ts";
import { startStack } from "../stack/stack.ts";
import { spawnWranglerDev, waitForApi } from "../stack/wrangler.ts";

const n = Number(process.env.BENCH_REQUESTS || 30);
const distances = (process.env.BENCH_DISTANCES || "10,80,200").split(",").map(Number);

async function startWorker(vars: Record<string, string>): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawnWranglerDev(port, vars, "ignore", "ignore", [
    "--persist-to",
    `.wrangler/bench-${port}`,
    "--inspector-port",
    "0",
  ]);
  const url = `http://127.0.0.1:${port}`;
  if (await waitForApi(url, child)) return { url, stop: () => child.kill("SIGTERM") };
  child.kill("SIGKILL");
  throw new Error("wrangler dev did not start");
}

// The most crossings of D a request may make on its critical path, per topology and request.
const GOALS: Record<string, Record<string, number>> = {
  edge: { "GET /": 0, hit: 1, miss: 2, write: 2, "keyed write": 2 },
  placed: { "GET /": 1, hit: 1, miss: 1, write: 1, "keyed write": 1 },
  split: { "GET /": 1, hit: 1, miss: 1, write: 1, "keyed write": 1, "max-stale hit": 0 },
};
const failures: string[] = [];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

// REDIS_URL as given, any database: the benchmark writes cache entries but flushes nothing.
const redis = await resolveTestRedis(process.env.REDIS_URL || undefined, false);
const stack = await startStack({ redisUrl: redis.url });
if (!stack.upstash) throw new Error("bench needs Redis");

const toNeon = await startDelayProxy(stack.neon.origin, 0);
const toUpstash = await startDelayProxy(stack.upstash.url, 0);
const base = { ...stack.bindings, AUTH_DISABLED: "true" };
// The origin next to the data, and a Worker far from it (reaching both services through the delays).
const origin = await startWorker(base);
// Its Redis deadline must exceed D: with the default 200 ms, at D = 200 every Redis call would time
// out and every read would go to the database (placement is what keeps Redis near).
const far = await startWorker({
  ...base,
  NEON_FETCH_ENDPOINT: `${toNeon.origin}/sql`,
  UPSTASH_REDIS_REST_URL: toUpstash.origin,
  REDIS_TIMEOUT_MS: "2000",
});
const toOrigin = await startDelayProxy(origin.url, 0);
const edgeRole = await startWorker({ ROLE: "edge", ORIGIN_URL: toOrigin.origin });

interface Topology {
  name: "edge" | "placed" | "split";
  /** Where the client sends its requests. */
  url: string;
  /** The proxies that stand for D in this topology. */
  distant: DelayProxy[];
}
const topologies: Topology[] = [
  { name: "edge", url: far.url, distant: [toNeon, toUpstash] },
  { name: "placed", url: toOrigin.origin, distant: [toOrigin] },
  { name: "split", url: edgeRole.url, distant: [toOrigin] },
];

async function post(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${origin.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

const productIds: number[] = [];
for (const [i, name] of ["Desk", "Chair", "Lamp"].entries()) {
  productIds.push(
    ((await post("/products", { product_name: name, price: 10 * (i + 1), cost: 5, stock: 9 })) as { id: number }).id,
  );
}
// One order per measured miss (a cache key is the path and query), for every topology and D.
const missOrders = (await post(
  "/orders-batch",
  Array.from({ length: Math.min(1000, n * topologies.length * distances.length + 1) }, () => ({
    product_ids: productIds,
    amounts: [1, 2, 3],
  })),
)) as number[];
const hitOrder = missOrders.shift() ?? 1;
let nextMiss = 0;

interface Scenario {
  name: string;
  only?: Topology["name"];
  status: number;
  /** Unmeasured requests first: the hit's entry stored, the edge's copy taken. */
  prime?: (t: Topology) => Promise<unknown>;
  run: (t: Topology) => Promise<Response>;
}
const order = JSON.stringify({ product_ids: productIds, amounts: [1, 1, 1] });
const scenarios: Scenario[] = [
  { name: "GET /", status: 200, run: (t) => fetch(`${t.url}/`) },
  {
    name: "hit",
    status: 200,
    prime: async (t) => (await fetch(`${t.url}/orders/${hitOrder}`)).arrayBuffer(),
    run: (t) => fetch(`${t.url}/orders/${hitOrder}`),
  },
  { name: "miss", status: 200, run: (t) => fetch(`${t.url}/orders/${missOrders[nextMiss++ % missOrders.length]}`) },
  {
    name: "write",
    status: 201,
    run: (t) =>
      fetch(`${t.url}/orders`, { method: "POST", headers: { "Content-Type": "application/json" }, body: order }),
  },
  {
    name: "keyed write",
    status: 201,
    run: (t) =>
      fetch(`${t.url}/orders`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
        body: order,
      }),
  },
  {
    name: "max-stale hit",
    only: "split",
    status: 200,
    prime: async (t) =>
      (await fetch(`${t.url}/orders/${hitOrder}`, { headers: { "Cache-Control": "max-stale=600" } })).arrayBuffer(),
    run: (t) => fetch(`${t.url}/orders/${hitOrder}`, { headers: { "Cache-Control": "max-stale=600" } }),
  },
];

// The Worker's own overhead: GET / straight to a local Worker, no distance anywhere.
async function localRoot(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await (await fetch(`${origin.url}/`)).arrayBuffer();
    times.push(performance.now() - t0);
  }
  return percentile(
    times.sort((a, b) => a - b),
    0.5,
  );
}

for (const t of topologies) await fetch(`${t.url}/`); // isolate start-up is not measured
const rows: string[] = [];
for (const d of distances) {
  for (const p of [toNeon, toUpstash, toOrigin]) p.delayMs = d;
  const overhead = await localRoot();
  for (const t of topologies) {
    for (const s of scenarios) {
      if (s.only && s.only !== t.name) continue;
      await s.prime?.(t);
      await new Promise((r) => setTimeout(r, 2 * d + 50)); // what priming stored has landed
      const times: number[] = [];
      const outcomes = new Set<string>();
      let critical = 0;
      const before = t.distant.reduce((sum, p) => sum + p.crossings.length, 0);
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const res = await s.run(t);
        await res.arrayBuffer();
        const t1 = performance.now();
        if (res.status !== s.status) throw new Error(`${t.name} ${s.name} answered ${res.status}`);
        times.push(t1 - t0);
        outcomes.add(res.headers.get("X-Cache") ?? "");
        critical += t.distant.reduce(
          (sum, p) => sum + p.crossings.filter((c) => c.arrived >= t0 && c.finished <= t1).length,
          0,
        );
      }
      await new Promise((r) => setTimeout(r, 2 * d + 50)); // the last write-back lands
      const all = t.distant.reduce((sum, p) => sum + p.crossings.length, 0) - before;
      times.sort((a, b) => a - b);
      const goal = GOALS[t.name]?.[s.name] ?? 0;
      if (critical > goal * n)
        failures.push(`${t.name} ${s.name} at D=${d}: ${critical / n} crossings, goal ≤ ${goal}`);
      const p50 = percentile(times, 0.5);
      rows.push(
        `| ${d} | ${t.name} | ${s.name} | ${p50.toFixed(0)} | ${percentile(times, 0.95).toFixed(0)} | ${Math.max(0, p50 - overhead).toFixed(0)} | ${(critical / n).toFixed(2)} | ${(all / n).toFixed(2)} | ${[...outcomes].join(", ")} |`,
      );
      console.error(rows.at(-1));
    }
  }
}

console.log(`\n${n} requests per scenario; local GET / (the Worker's overhead) subtracted in "net"\n`);
console.log(
  "| D ms | topology | request | p50 ms | p95 ms | net p50 ms | crossings (critical path) | crossings (all) |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const row of rows) console.log(row);

for (const w of [origin, far, edgeRole]) w.stop();
await Promise.all([toNeon, toUpstash, toOrigin].map((p) => p.close()));
await new Promise((r) => setTimeout(r, 500));
await stack.close();
await redis.close();
if (failures.length > 0) {
  console.error(`\nMore crossings than the design allows:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
process.exit(0);
