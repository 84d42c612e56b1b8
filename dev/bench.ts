// `npm run bench`: what the edge design buys, measured end to end through `wrangler dev`.
// The Neon proxy adds DB_LATENCY_MS (default 50) to every database request, standing in for the
// distance from an edge location to the database. Reported per scenario: p50/p95 latency and
// database round trips per request (from the proxy's counters).
//   BENCH_REQUESTS  requests per scenario (default 40)
// Every answer must be the scenario's success status. The Worker gets the stack's bindings only:
// a developer's .dev.vars (rate limits, keys, an Upstash URL) is kept out.
import { createServer, type Socket } from "node:net";
import { freePort, resolveTestRedis } from "./redis.ts";
import { startStack } from "./stack.ts";
import { spawnWranglerDev, waitForApi } from "./wrangler.ts";

const latencyMs = Number(process.env.DB_LATENCY_MS || 50);
const n = Number(process.env.BENCH_REQUESTS || 40);

async function startWorker(vars: Record<string, string>): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawnWranglerDev(port, vars, "ignore", "ignore");
  const url = `http://127.0.0.1:${port}`;
  if (await waitForApi(url, child)) return { url, stop: () => child.kill("SIGTERM") };
  child.kill("SIGKILL");
  throw new Error("wrangler dev did not start");
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

// REDIS_URL as given, any database: the benchmark writes cache entries but flushes nothing.
const redis = await resolveTestRedis(process.env.REDIS_URL || undefined, false);
const stack = await startStack({ redisUrl: redis.url, latencyMs });
if (!stack.upstash) throw new Error("bench needs Redis");
// A Redis that accepts connections and never answers: the worst case for the 200 ms deadline.
const sockets = new Set<Socket>();
const blackHole = createServer((s) => sockets.add(s));
await new Promise<void>((r) => blackHole.listen(0, "127.0.0.1", r));
const blackHolePort = (blackHole.address() as { port: number }).port;

const base = { ...stack.bindings, AUTH_DISABLED: "true" };
const live = await startWorker(base);
// No cool-off: every request meets the hung Redis, the worst case per request.
const hung = await startWorker({
  ...base,
  UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${blackHolePort}`,
  REDIS_COOL_OFF_MS: "0",
});

async function post(url: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

const productIds: number[] = [];
for (const [i, name] of ["Desk", "Chair", "Lamp"].entries()) {
  const p = (await post(live.url, "/products", { product_name: name, price: 10 * (i + 1), cost: 5, stock: 9 })) as {
    id: number;
  };
  productIds.push(p.id);
}
// One order per measured miss: a cache key is the validated path and query, so only another
// resource (or another report range) misses.
const orderIds = (await post(
  live.url,
  "/orders-batch",
  Array.from({ length: n + 1 }, () => ({ product_ids: productIds, amounts: [1, 2, 3] })),
)) as number[];
const orderId = orderIds[0] ?? 1;
const day = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

interface Scenario {
  name: string;
  run: (i: number) => Promise<Response>;
  /** What every answer must be: a figure over refused requests would measure the refusal. */
  status?: number;
}
const scenarios: Scenario[] = [
  { name: "GET /  (no database, no Redis)", run: () => fetch(`${live.url}/`) },
  { name: "GET /orders/{id}  cache HIT", run: () => fetch(`${live.url}/orders/${orderId}`) },
  { name: "GET /orders/{id}  cache MISS", run: (i) => fetch(`${live.url}/orders/${orderIds[i + 1]}`) },
  { name: "GET /orders/{id}  Redis hung", run: () => fetch(`${hung.url}/orders/${orderId}`) },
  {
    name: "GET /reports-all  cache MISS",
    run: (i) => fetch(`${live.url}/reports-all?from=2026-01-01&to=${day(i + 200)}`),
  },
  {
    name: "POST /orders (3 lines)",
    status: 201,
    run: () =>
      fetch(`${live.url}/orders`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ product_ids: productIds, amounts: [1, 1, 1] }),
      }),
  },
];

// One unmeasured call each, so isolate start-up is not counted.
await fetch(`${live.url}/orders/${orderId}`);
await fetch(`${hung.url}/orders/${orderId}`);

console.log(`database latency ${latencyMs} ms per request, ${n} requests per scenario\n`);
console.log(["scenario".padEnd(40), "p50 ms", "p95 ms", "db trips/req", "X-Cache"].join("  "));
for (const s of scenarios) {
  const times: number[] = [];
  const before = stack.neon.stats().requests;
  let cache = "";
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await s.run(i);
    await res.arrayBuffer();
    if (res.status !== (s.status ?? 200)) throw new Error(`${s.name} answered ${res.status}`);
    times.push(performance.now() - t0);
    cache = res.headers.get("X-Cache") ?? "";
  }
  const trips = (stack.neon.stats().requests - before) / n;
  times.sort((a, b) => a - b);
  console.log(
    [
      s.name.padEnd(40),
      percentile(times, 0.5).toFixed(1).padStart(6),
      percentile(times, 0.95).toFixed(1).padStart(6),
      trips.toFixed(2).padStart(12),
      cache,
    ].join("  "),
  );
}

live.stop();
hung.stop();
for (const s of sockets) s.destroy();
blackHole.close();
await new Promise((r) => setTimeout(r, 500));
await stack.close();
await redis.close();
process.exit(0);
