// `npm run bench:stale`: how long a read can be stale when a write's Redis epilogue is lost, under
// load. 50 clients keep writing orders; a probe replaces a product's price while a fault proxy in
// front of Upstash refuses that one write's epilogue (its invalidation then lives only in the
// outbox); a reader polls the product until it shows the new price. The window is the time from
// the probe's answer to the first fresh read: a later write's epilogue applies the pending row
// once it is 2 s old. Without any write after it, the Cron Trigger's drain (each minute) does.
//   BENCH_CLIENTS   concurrent writers (default 50)
//   BENCH_PROBES    probes (default 10)
//   BENCH_DATABASE_URL  a Postgres server (default the local one; scratch database, dropped after)
import { startFaultProxy } from "../proxies/fault-proxy/server.ts";
import { freePort, resolveTestRedis } from "../stack/redis.ts";
import { startStack } from "../stack/stack.ts";
import { spawnWranglerDev, waitForApi } from "../stack/wrangler.ts";

const clients = Number(process.env.BENCH_CLIENTS || 50);
const probes = Number(process.env.BENCH_PROBES || 10);
const serverUrl = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";

const redis = await resolveTestRedis(process.env.REDIS_URL || undefined, false);
const stack = await startStack({ databaseUrl: serverUrl, scratchDatabase: true, redisUrl: redis.url, poolSize: 24 });
if (!stack.upstash) throw new Error("bench:stale needs Redis");
const fault = await startFaultProxy({ target: stack.upstash.url });
const port = await freePort();
const child = spawnWranglerDev(
  port,
  // No cool-off: the isolate that saw Redis fail would skip it (and read fresh from the database)
  // for REDIS_COOL_OFF_MS; every other isolate would not. This one plays those others.
  {
    ...stack.bindings,
    UPSTASH_REDIS_REST_URL: fault.origin,
    AUTH_DISABLED: "true",
    REDIS_TIMEOUT_MS: "1000",
    REDIS_COOL_OFF_MS: "0",
  },
  "ignore",
  "ignore",
  ["--persist-to", `.wrangler/bench-${port}`, "--inspector-port", "0"],
);
const api = `http://127.0.0.1:${port}`;
if (!(await waitForApi(api, child))) throw new Error("wrangler dev did not start");

const json = (method: string, body: unknown) => ({
  method,
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});
const product = (price: number) => ({ product_name: "Probe", price, cost: 1, stock: 1 });
const created = (await (await fetch(`${api}/products`, json("POST", product(1)))).json()) as { id: number };
const other = (await (
  await fetch(`${api}/products`, json("POST", { ...product(1), product_name: "Other" }))
).json()) as {
  id: number;
};

// The load: orders of the other product, whose epilogues bump orders and order lines only.
let running = true;
let writes = 0;
const load = Array.from({ length: clients }, async () => {
  while (running) {
    const res = await fetch(`${api}/orders`, json("POST", { product_ids: [other.id], amounts: [1] }));
    await res.arrayBuffer();
    if (res.status === 201) writes++;
  }
});

const windows: number[] = [];
for (let i = 1; i <= probes; i++) {
  const price = 100 + i;
  // Cached at the old price: read until a read is served from the cache.
  while ((await fetch(`${api}/products/${created.id}`)).headers.get("X-Cache") !== "HIT");
  // The epilogue of a write that changed products alone (one key, the products generation): this
  // one's, refused.
  const rule = { mode: "error", match: '1,"gen:products"', times: 1 };
  await fetch(`${fault.origin}/__fault`, { method: "POST", body: JSON.stringify([rule]) });
  const put = await fetch(`${api}/products/${created.id}`, json("PUT", product(price)));
  await put.arrayBuffer();
  const answered = performance.now();
  let stale = 0;
  for (;;) {
    const read = (await (await fetch(`${api}/products/${created.id}`)).json()) as { price: number };
    if (read.price === price) break;
    stale++;
    await new Promise((r) => setTimeout(r, 25));
  }
  // Each probe's epilogue must have been the one refused. A first read already fresh is possible:
  // another write may have bumped the products' generation meanwhile (one that took over a row
  // owing it, after its own epilogue timed out under this load).
  const { errored } = (await (await fetch(`${fault.origin}/__fault/stats`)).json()) as { errored: number };
  if (errored !== i) throw new Error(`probe ${i}: ${errored} epilogues refused, not ${i}`);
  windows.push(performance.now() - answered);
  console.error(`probe ${i}: ${stale} stale reads over ${(windows.at(-1) ?? 0).toFixed(0)} ms`);
}
running = false;
await Promise.all(load);

windows.sort((a, b) => a - b);
const at = (p: number) => windows[Math.min(windows.length - 1, Math.floor(p * windows.length))] ?? 0;
console.log(
  `${clients} clients writing (${writes} orders during the run); ${probes} writes whose Redis epilogue was refused`,
);
console.log(`stale window: p50 ${at(0.5).toFixed(0)} ms, max ${at(1).toFixed(0)} ms`);

child.kill("SIGTERM");
await fault.close();
await new Promise((r) => setTimeout(r, 500));
await stack.close();
await redis.close();
process.exit(0);
