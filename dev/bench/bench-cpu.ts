// `npm run bench:cpu`: the Worker's CPU per request, as production runs it, against a bare Hono
// worker measured in the same run. Both are served by plain workerd (no wrangler dev harness,
// which costs ~4 ms CPU a request by itself): the API from the minified production bundle that
// `npm run build` makes, the bare worker from `new Hono().get("/", …)` bundled by esbuild. CPU is
// read per process from /proc/<pid>/stat (utime + stime) before and after a block of requests,
// less the process's idle rate, and blocks alternate bare, API, bare, API… so a busy moment of the
// machine falls on both. Also measured: start-up and first-request CPU of a fresh workerd, the
// bundle's size and what it is made of, and `wrangler check startup`.
//   BENCH_CPU_ROUNDS     measured bare/API block pairs per scenario (default 5)
//   BENCH_CPU_TARGET_MS  CPU a block aims at; the request count is set from a warm-up block (default 250)
//   BENCH_CPU_PORT       first of the five ports used (default 8810, so 8810–8814)
//   BENCH_CPU_PARTS      which parts to run, comma-separated: steady,cold,check (default all three)
//   BENCH_CPU_ONLY       run only the scenarios whose names contain one of these words, comma-separated
//   BENCH_CPU_SMOKE=1    one round of a few requests, no `wrangler check startup`: checks that it runs
//   DATABASE_URL         a Postgres server (a scratch database is made on it); unset = PGlite
//   REDIS_URL            the Redis behind the Upstash proxy (database 12 of it is used)
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { resolveTestRedis } from "../stack/redis.ts";
import { startStack } from "../stack/stack.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const smoke = process.env.BENCH_CPU_SMOKE === "1";
const rounds = smoke ? 1 : Number(process.env.BENCH_CPU_ROUNDS || 5);
const targetMs = smoke ? 5 : Number(process.env.BENCH_CPU_TARGET_MS || 250);
const basePort = Number(process.env.BENCH_CPU_PORT || 8810);
const startupRuns = smoke ? 1 : 9;
const parts = new Set((process.env.BENCH_CPU_PARTS || "steady,cold,check").split(","));
const PORTS = { api: basePort, nocache: basePort + 1, bare: basePort + 2, floor: basePort + 3, fresh: basePort + 4 };

// The workerd that wrangler itself runs, so the compatibility date is one it knows.
const workerdBin: string = createRequire(createRequire(import.meta.url).resolve("wrangler/package.json"))(
  "workerd",
).default;
const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(
  readFileSync(join(root, "wrangler.toml"), "utf8"),
)?.[1];
if (!compatibilityDate) throw new Error("no compatibility_date in wrangler.toml");
const TICK_MS = 1000 / (Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100);

const work = mkdtempSync(join(tmpdir(), "bench-cpu-"));
const children = new Set<ChildProcess>();
const cleanup = () => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
};
// Also on a failure: a workerd left behind would hold the ports.
process.on("exit", cleanup);
process.on("SIGINT", () => process.exit(130));

// ---------------------------------------------------------------- bundles

function buildApi(dir: string): void {
  const r = spawnSync(
    "wrangler",
    ["deploy", "--dry-run", "--env", "production", "--outdir", dir, "--metafile", join(dir, "meta.json")],
    { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  if (r.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${r.stdout}\n${r.stderr}`);
}

const BARE_WORKER = `import { Hono } from "hono";
export default new Hono().get("/", (c) => c.json({ message: "Hello, World!" }));`;

// The floor of a request that makes one round trip: the bare worker plus one fetch, to Upstash
// as a cache hit makes it, or to Neon's SQL endpoint as a database read makes it (the same
// product, as JSON built by Postgres), and the answer sent as it came.
const FLOOR_WORKER = `import { Hono } from "hono";
export default new Hono()
  .get("/redis", async (c) => {
    const res = await fetch(c.env.UPSTASH_REDIS_REST_URL, {
      method: "POST",
      headers: { Authorization: "Bearer " + c.env.UPSTASH_REDIS_REST_TOKEN },
      body: JSON.stringify(["GET", "bench-cpu:floor"]),
    });
    const { result } = await res.json();
    return c.body(result, 200, { "Content-Type": "application/json" });
  })
  .get("/neon", async (c) => {
    const res = await fetch(c.env.NEON_FETCH_ENDPOINT, {
      method: "POST",
      headers: { "Neon-Connection-String": c.env.DATABASE_URL, "Neon-Raw-Text-Output": "true", "Neon-Array-Mode": "true" },
      body: JSON.stringify({
        query: "select json_build_object('id', id, 'product_name', product_name, 'price', price, 'cost', cost, 'stock', stock)::text, md5(p::text) from products p where id = $1",
        params: ["1"],
      }),
    });
    const { rows } = await res.json();
    return c.body(rows[0][0], 200, { "Content-Type": "application/json", ETag: '"' + rows[0][1] + '"' });
  });`;

async function buildBare(dir: string, contents: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await build({
    stdin: { contents, resolveDir: root, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    // What wrangler resolves packages with.
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    outfile: join(dir, "index.js"),
    logLevel: "error",
  });
}

interface BundleSize {
  raw: number;
  gzip: number;
}
function bundleSize(dir: string): BundleSize {
  const code = readFileSync(join(dir, "index.js"));
  return { raw: code.length, gzip: gzipSync(code).length };
}

/** Bytes of the bundle by package (src/ as one), largest first. */
function bundleParts(metafile: string): [string, number][] {
  const meta = JSON.parse(readFileSync(metafile, "utf8")) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const output = Object.entries(meta.outputs).find(([name]) => name.endsWith(".js"))?.[1];
  const parts = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
    let name = pkg ? (pkg[1] ?? path) : path.includes("src/") ? "src/" : "other";
    if (name === "zod" && pkg?.[2])
      name = `zod/${/locales\//.test(pkg[2]) ? "locales" : /core\//.test(pkg[2]) ? "core" : "classic"}`;
    parts.set(name, (parts.get(name) ?? 0) + bytesInOutput);
  }
  return [...parts].sort((a, b) => b[1] - a[1]);
}

// ---------------------------------------------------------------- workerd

interface WorkerSpec {
  name: string;
  dir: string;
  port: number;
  bindings?: Record<string, string>;
  assets?: string;
}

const capnpText = (s: string) => JSON.stringify(s);

function workerdConfig(file: string, workers: WorkerSpec[]): void {
  const services: string[] = [];
  const sockets: string[] = [];
  for (const w of workers) {
    const bindings = Object.entries(w.bindings ?? {}).map(
      ([name, value]) => `(name = ${capnpText(name)}, text = ${capnpText(value)})`,
    );
    if (w.assets) {
      bindings.push(`(name = "ASSETS", service = ${capnpText(`${w.name}-assets`)})`);
      services.push(
        `(name = ${capnpText(`${w.name}-assets`)}, disk = (path = ${capnpText(w.assets)}, writable = false))`,
      );
    }
    services.push(`(name = ${capnpText(w.name)}, worker = (
      modules = [(name = "index.js", esModule = embed ${capnpText(relative(dirname(file), join(w.dir, "index.js")))})],
      compatibilityDate = ${capnpText(compatibilityDate as string)},
      compatibilityFlags = ["nodejs_compat"],
      bindings = [${bindings.join(", ")}],
      globalOutbound = "network"))`);
    sockets.push(
      `(name = ${capnpText(w.name)}, address = "127.0.0.1:${w.port}", http = (), service = ${capnpText(w.name)})`,
    );
  }
  // The local stack listens on 127.0.0.1, which workerd's default outbound refuses.
  services.push(`(name = "network", network = (allow = ["public", "private", "local"]))`);
  writeFileSync(
    file,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [${services.join(",\n    ")}],
  sockets = [${sockets.join(",\n    ")}],
);
`,
  );
}

interface Workerd {
  pid: number;
  stop(): void;
}

async function startWorkerd(config: string, ports: number[]): Promise<Workerd> {
  const child = spawn(workerdBin, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  children.add(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
    if (process.env.BENCH_CPU_DEBUG) process.stderr.write(d);
  });
  for (const port of ports) {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null || i > 300) throw new Error(`workerd did not start:\n${stderr}`);
      const up = await fetch(`http://127.0.0.1:${port}/__bench_cpu_ping`).then(
        async (res) => {
          await res.arrayBuffer();
          return true;
        },
        () => false,
      );
      if (up) break;
      await sleep(20);
    }
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error("workerd has no pid");
  return {
    pid,
    stop: () => {
      child.kill("SIGTERM");
      children.delete(child);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU the process has used so far (user + system), in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * CPU the process's threads have used so far, in ms with ns precision (the scheduler's own count,
 * /proc/<pid>/task/<tid>/schedstat): a single request is far below /proc/<pid>/stat's 10 ms tick.
 */
function preciseCpuMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
  }
  return ns / 1e6;
}

/** CPU per second of an idle process: timers, GC; subtracted from every block. */
async function idleRate(pid: number): Promise<number> {
  const c0 = cpuMs(pid);
  const t0 = performance.now();
  await sleep(smoke ? 200 : 2000);
  return ((cpuMs(pid) - c0) / (performance.now() - t0)) * 1000;
}

// ---------------------------------------------------------------- requests

interface Call {
  url: string;
  init?: RequestInit;
  status: number;
  xCache?: string;
}

async function send(call: Call): Promise<void> {
  const res = await fetch(call.url, call.init);
  const body = await res.text();
  if (res.status !== call.status)
    throw new Error(`${call.url}: ${res.status}, expected ${call.status}: ${body.slice(0, 500)}`);
  const xCache = res.headers.get("X-Cache");
  if (call.xCache && xCache !== call.xCache) throw new Error(`${call.url}: X-Cache ${xCache}, expected ${call.xCache}`);
}

const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

interface Block {
  n: number;
  cpu: number;
}

async function block(proc: Workerd, idle: number, n: number, next: () => Call): Promise<Block> {
  const c0 = cpuMs(proc.pid);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await send(next());
  const wall = performance.now() - t0;
  return { n, cpu: cpuMs(proc.pid) - c0 - (idle * wall) / 1000 };
}

/** A warm-up block that runs until the process has used `targetMs` of CPU: how many requests a block gets. */
async function calibrate(proc: Workerd, next: () => Call, maxN: number): Promise<number> {
  const c0 = cpuMs(proc.pid);
  let n = 0;
  while (n < maxN && cpuMs(proc.pid) - c0 < targetMs) {
    await send(next());
    n++;
  }
  const used = Math.max(cpuMs(proc.pid) - c0, TICK_MS);
  return Math.max(smoke ? 1 : 3, Math.min(maxN, Math.round((n * targetMs) / used)));
}

// ---------------------------------------------------------------- run

console.log(
  `bench:cpu — ${cpus()[0]?.model ?? "?"} × ${cpus().length}, Node ${process.version}, ${new Date().toISOString()}`,
);

const apiDir = join(work, "api");
const bareDir = join(work, "bare");
const floorDir = join(work, "floor");
buildApi(apiDir);
await buildBare(bareDir, BARE_WORKER);
await buildBare(floorDir, FLOOR_WORKER);
const apiSize = bundleSize(apiDir);
const bareSize = bundleSize(bareDir);

// REDIS_URL as given, any database: the benchmark writes cache entries but flushes nothing.
const redis = await resolveTestRedis(process.env.REDIS_URL || undefined, false);
const stack = await startStack({
  redisUrl: redis.url,
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL, scratchDatabase: true } : {}),
});
if (!stack.upstash) throw new Error("bench:cpu needs Redis");
// What production has: the vars of wrangler.toml's production environment, and the secrets.
// A write deadline long enough for the largest batch on PGlite, which is slow at 100,000 lines.
const base: Record<string, string> = {
  ...stack.bindings,
  CACHE_TTL_SECONDS: "300",
  AUTH_DISABLED: "true",
  DB_WRITE_TIMEOUT_MS: "60000",
};
const { UPSTASH_REDIS_REST_URL: _url, UPSTASH_REDIS_REST_TOKEN: _token, ...noCache } = base;
const assets = join(root, "node_modules/swagger-ui-dist");

const steadyConfig = join(work, "steady.capnp");
workerdConfig(steadyConfig, [
  { name: "api", dir: apiDir, port: PORTS.api, bindings: base, assets },
  { name: "nocache", dir: apiDir, port: PORTS.nocache, bindings: noCache, assets },
]);
const bareConfig = join(work, "bare.capnp");
workerdConfig(bareConfig, [
  { name: "bare", dir: bareDir, port: PORTS.bare },
  { name: "floor", dir: floorDir, port: PORTS.floor, bindings: base },
]);

const apiProc = await startWorkerd(steadyConfig, [PORTS.api, PORTS.nocache]);
const bareProc = await startWorkerd(bareConfig, [PORTS.bare, PORTS.floor]);
const API = `http://127.0.0.1:${PORTS.api}`;
const NOCACHE = `http://127.0.0.1:${PORTS.nocache}`;
const BARE = `http://127.0.0.1:${PORTS.bare}`;
const FLOOR = `http://127.0.0.1:${PORTS.floor}`;

// The data: 1,000 products and 1,000 orders of 3 lines over them, so a report lists 1,000 products.
const PRODUCTS = 1000;
const product = (i: number) => ({ product_name: `Product ${i}`, price: 10 + (i % 90), cost: 5, stock: 100 });
await send({
  url: `${API}/products-batch`,
  init: json(
    "POST",
    Array.from({ length: PRODUCTS }, (_, i) => product(i)),
  ),
  status: 201,
});
const lineOf = (i: number) => ((i * 7919) % PRODUCTS) + 1;
const orderOf = (i: number, lines: number) => ({
  product_ids: Array.from({ length: lines }, (_, j) => lineOf(i * lines + j)),
  amounts: Array.from({ length: lines }, (_, j) => 1 + ((i + j) % 9)),
});
await send({
  url: `${API}/orders-batch`,
  init: json(
    "POST",
    Array.from({ length: 1000 }, (_, i) => orderOf(i, 3)),
  ),
  status: 201,
});

// The largest orders batch the documented limits allow: 1,000 orders of 100 lines, if that fits in
// a 1 MiB body (it does while product ids have at most 4 digits).
const MAX_BODY = 1024 * 1024;
// The heaviest batch the API takes: 1,000 orders and 5,000 lines in all (MAX_BATCH_LINES).
const maxBatch = JSON.stringify(Array.from({ length: 1000 }, (_, i) => orderOf(i, 5)));
if (maxBatch.length > MAX_BODY) throw new Error(`the largest batch is ${maxBatch.length} bytes, over 1 MiB`);

// What the floor's Redis read returns: the cached entry of a product, as large as the API's.
await fetch(stack.upstash.url, {
  method: "POST",
  headers: { Authorization: `Bearer ${base.UPSTASH_REDIS_REST_TOKEN}` },
  body: JSON.stringify([
    "SET",
    "bench-cpu:floor",
    JSON.stringify({ etag: `"${"0".repeat(32)}"`, body: JSON.stringify(product(1)) }),
  ]),
});

let nextOrderId = 1;
let key = 0;
interface Scenario {
  name: string;
  proc: Workerd;
  next: () => Call;
  /** At most this many requests a block (slow writes on PGlite). */
  maxN?: number;
  /** Sent first, unmeasured (fills the cache for a HIT). */
  prime?: string;
}
const productsBatch = JSON.stringify(Array.from({ length: 1000 }, (_, i) => product(i)));
const ordersBatch = JSON.stringify(Array.from({ length: 1000 }, (_, i) => orderOf(i, 3)));
const scenarios: Scenario[] = [
  {
    name: "floor: bare Hono + one fetch to Upstash (what a cache HIT cannot go below)",
    proc: bareProc,
    next: () => ({ url: `${FLOOR}/redis`, status: 200 }),
  },
  {
    name: "floor: bare Hono + one Neon query (what a database read cannot go below)",
    proc: bareProc,
    next: () => ({ url: `${FLOOR}/neon`, status: 200 }),
  },
  { name: "GET /", proc: apiProc, next: () => ({ url: `${API}/`, status: 200 }) },
  {
    name: "GET /products/1, from the database (no Redis)",
    proc: apiProc,
    next: () => ({ url: `${NOCACHE}/products/1`, status: 200, xCache: "BYPASS" }),
  },
  {
    name: "GET /products/1, cache HIT",
    proc: apiProc,
    next: () => ({ url: `${API}/products/1`, status: 200, xCache: "HIT" }),
    prime: `${API}/products/1`,
  },
  {
    name: "GET /orders/{id}, cache MISS (a new id each time)",
    proc: apiProc,
    next: () => ({ url: `${API}/orders/${nextOrderId++}`, status: 200, xCache: "MISS" }),
    maxN: 900,
  },
  {
    name: "GET /orders-list?page_size=100 (3 lines each, no Redis)",
    proc: apiProc,
    next: () => ({ url: `${NOCACHE}/orders-list?page_size=100`, status: 200 }),
  },
  {
    name: "GET /reports-all (all time, 100 products, no Redis)",
    proc: apiProc,
    next: () => ({ url: `${NOCACHE}/reports-all`, status: 200 }),
  },
  {
    name: "GET /reports-all?limit=1000 (no Redis)",
    proc: apiProc,
    next: () => ({ url: `${NOCACHE}/reports-all?limit=1000`, status: 200 }),
  },
  {
    name: "GET /openapi.json",
    proc: apiProc,
    next: () => ({ url: `${API}/openapi.json`, status: 200 }),
  },
  {
    name: "POST /orders (3 lines) with an Idempotency-Key",
    proc: apiProc,
    next: () => ({
      url: `${API}/orders`,
      init: json("POST", orderOf(key, 3), { "Idempotency-Key": `bench-cpu-${process.pid}-${key++}` }),
      status: 201,
    }),
  },
  {
    name: "POST /products-batch, 1,000 products",
    proc: apiProc,
    next: () => ({ url: `${API}/products-batch`, init: { ...json("POST", null), body: productsBatch }, status: 201 }),
    maxN: 40,
  },
  {
    name: "POST /orders-batch, 1,000 orders of 3 lines",
    proc: apiProc,
    next: () => ({ url: `${API}/orders-batch`, init: { ...json("POST", null), body: ordersBatch }, status: 201 }),
    maxN: 40,
  },
  {
    name: `POST /orders-batch, 1,000 orders of 5 lines (${Math.round(maxBatch.length / 1024)} KiB)`,
    proc: apiProc,
    next: () => ({ url: `${API}/orders-batch`, init: { ...json("POST", null), body: maxBatch }, status: 201 }),
    maxN: 40,
  },
];

const steady = parts.has("steady");
const idle = steady ? { api: await idleRate(apiProc.pid), bare: await idleRate(bareProc.pid) } : { api: 0, bare: 0 };
const bareNext = (): Call => ({ url: `${BARE}/`, status: 200 });
const bareN = steady ? await calibrate(bareProc, bareNext, 20_000) : 0;

interface Result {
  name: string;
  api: number[];
  bare: number[];
  n: number;
}
const results: Result[] = [];
const only = process.env.BENCH_CPU_ONLY?.split(",").filter(Boolean);
const picked = (s: Scenario) => !only || only.some((word) => s.name.includes(word));
for (const s of steady ? scenarios.filter(picked) : []) {
  if (s.prime) {
    await fetch(s.prime).then((res) => res.arrayBuffer());
    // The entry is stored after the response (waitUntil).
    await sleep(200);
  }
  const n = await calibrate(s.proc, s.next, s.maxN ?? 20_000);
  const r: Result = { name: s.name, api: [], bare: [], n };
  for (let i = 0; i < rounds; i++) {
    const b = await block(bareProc, idle.bare, bareN, bareNext);
    const a = await block(s.proc, idle.api, n, s.next);
    r.bare.push(b.cpu / b.n);
    r.api.push(a.cpu / a.n);
  }
  results.push(r);
  process.stdout.write(".");
}
process.stdout.write("\n");
apiProc.stop();
bareProc.stop();

// ---------------------------------------------------------------- cold start

interface Cold {
  startup: number;
  first: number;
}

/** The process's CPU once it has used less than 0.5 ms in 200 ms. */
async function settled(pid: number): Promise<number> {
  let last = preciseCpuMs(pid);
  for (let i = 0; i < 100; i++) {
    await sleep(200);
    const now = preciseCpuMs(pid);
    if (now - last < 0.5) return now;
    last = now;
  }
  return last;
}
async function coldStart(spec: WorkerSpec, first: Call): Promise<Cold> {
  const config = join(work, `fresh-${spec.name}.capnp`);
  workerdConfig(config, [spec]);
  const child = spawn(workerdBin, ["serve", config], { stdio: "ignore" });
  children.add(child);
  const pid = child.pid as number;
  // Started = listening, seen in /proc/net/tcp: probing with a request would be the first request.
  for (let i = 0; ; i++) {
    if (i > 300 || child.exitCode !== null) throw new Error("workerd did not start");
    const listening = readFileSync("/proc/net/tcp", "utf8").includes(
      `0100007F:${spec.port.toString(16).toUpperCase().padStart(4, "0")} 00000000:0000 0A`,
    );
    if (listening) break;
    await sleep(10);
  }
  // workerd keeps working for a while after it listens (and longer on a busy machine): start-up
  // ends when the process stops using CPU.
  const startup = await settled(pid);
  await send(first);
  const done = await settled(pid);
  child.kill("SIGTERM");
  children.delete(child);
  await sleep(100);
  return { startup, first: done - startup };
}

const fresh = PORTS.fresh;
const cold = { api: [] as Cold[], apiDb: [] as Cold[], bare: [] as Cold[] };
for (let i = 0; i < (parts.has("cold") ? startupRuns : 0); i++) {
  cold.bare.push(
    await coldStart({ name: "bare", dir: bareDir, port: fresh }, { url: `http://127.0.0.1:${fresh}/`, status: 200 }),
  );
  cold.api.push(
    await coldStart(
      { name: "api", dir: apiDir, port: fresh, bindings: base, assets },
      { url: `http://127.0.0.1:${fresh}/`, status: 200 },
    ),
  );
  cold.apiDb.push(
    await coldStart(
      { name: "api", dir: apiDir, port: fresh, bindings: noCache, assets },
      { url: `http://127.0.0.1:${fresh}/products/1`, status: 200, xCache: "BYPASS" },
    ),
  );
}

// ---------------------------------------------------------------- wrangler check startup

function checkStartup(dir: string, name: string): number | undefined {
  const config = join(dir, "wrangler.toml");
  writeFileSync(
    config,
    `name = "${name}"\nmain = "index.js"\ncompatibility_date = "${compatibilityDate}"\ncompatibility_flags = ["nodejs_compat"]\nno_bundle = true\n`,
  );
  const r = spawnSync(
    "wrangler",
    ["check", "startup", "--config", config, "--outfile", join(dir, "startup.cpuprofile")],
    {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    },
  );
  const active = /Active:\s*([\d.]+)\s*ms/.exec(r.stdout + r.stderr)?.[1];
  if (active === undefined) console.warn(`wrangler check startup (${name}) said:\n${r.stdout}\n${r.stderr}`);
  return active === undefined ? undefined : Number(active);
}
const checks = { api: [] as number[], bare: [] as number[] };
if (!smoke && parts.has("check")) {
  for (let i = 0; i < 3; i++) {
    const b = checkStartup(bareDir, "bare-hono");
    const a = checkStartup(apiDir, "edge-orders-api");
    if (b !== undefined) checks.bare.push(b);
    if (a !== undefined) checks.api.push(a);
  }
}

await stack.close();
await redis.close();

// ---------------------------------------------------------------- report

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1);
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

if (steady) {
  console.log(
    `\nidle CPU: API ${idle.api.toFixed(2)} ms/s, bare ${idle.bare.toFixed(2)} ms/s (subtracted); ${rounds} rounds`,
  );
  console.log(`bare Hono: ${bareN} requests a block\n`);
  console.log("| scenario | requests a block | CPU ms/request (min–max) | bare Hono ms/request | × bare |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of results) {
    const a = mean(r.api);
    const b = mean(r.bare);
    console.log(
      `| ${r.name} | ${r.n} | ${ms(a)} (${ms(Math.min(...r.api))}–${ms(Math.max(...r.api))}) | ${ms(b)} | ${(a / b).toFixed(1)} |`,
    );
  }
}

const both = (xs: number[]) => `${ms(median(xs))} (${ms(Math.min(...xs))})`;
const coldLine = (name: string, xs: Cold[]) =>
  `| ${name} | ${both(xs.map((c) => c.startup))} | ${both(xs.map((c) => c.first))} |`;
if (cold.api.length > 0) {
  console.log(`\nfresh workerd, median (min) of ${startupRuns}: CPU until it has started, then for the first request`);
  console.log("| worker, first request | start-up ms | first request ms |");
  console.log("| --- | --- | --- |");
  console.log(coldLine("bare Hono, GET /", cold.bare));
  console.log(coldLine("API, GET /", cold.api));
  console.log(coldLine("API, GET /products/1 (database, no Redis)", cold.apiDb));
}
if (checks.api.length > 0) {
  console.log(
    `\nwrangler check startup (Active, median of ${checks.api.length}): API ${ms(median(checks.api))} ms, bare Hono ${ms(median(checks.bare))} ms`,
  );
}
console.log(
  `\nbundle: API ${kib(apiSize.raw)} / gzip ${kib(apiSize.gzip)}; bare Hono ${kib(bareSize.raw)} / gzip ${kib(bareSize.gzip)}`,
);
const metafile = join(apiDir, "meta.json");
if (existsSync(metafile)) {
  console.log(
    `largest parts: ${bundleParts(metafile)
      .slice(0, 10)
      .map(([name, bytes]) => `${name} ${kib(bytes)}`)
      .join(", ")}`,
  );
}
if (readdirSync(apiDir).some((f) => f.endsWith(".wasm"))) console.log("(the bundle also has .wasm modules)");

process.exit(0);
