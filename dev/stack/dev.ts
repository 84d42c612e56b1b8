// `npm run dev`: the whole local stack in one command, no Docker and no account.
//   DATABASE_URL   a postgres:// server to use; unset = embedded PGlite kept in .data/pglite
//   REDIS_URL      a Redis for cache, idempotency and rate limits; unset = those features off
//   PORT           the API's port (default 8787); the edge role takes PORT + 1
//   DB_LATENCY_MS  delay the Neon proxy adds to every request, to feel an edge→database hop
//   CORS_ORIGINS   origins browsers may call the API from (the Worker's CORS_ORIGINS binding)
// The stack takes the fixed ports of `npm run dev:stack` (dev/stack/ports.ts) when they are free, so
// the data tools find it there; otherwise any free ports.
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startCacheUpkeep } from "./cache-outbox.ts";
import { type Cron, startCron } from "./cron.ts";
import { readDevVars } from "./dev-vars.ts";
import { DEV_PORTS, DEV_UPSTASH_TOKEN, portIsFree } from "./ports.ts";
import { redact } from "./postgres.ts";
import { type Stack, startStack } from "./stack.ts";
import { spawnWranglerDev, waitForApi } from "./wrangler.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const port = Number(process.env.PORT || 8787);
const latencyMs = Number(process.env.DB_LATENCY_MS || 0);
const databaseUrl = process.env.DATABASE_URL || undefined;
const redisUrl = process.env.REDIS_URL || undefined;

function say(message: string): void {
  console.log(`\x1b[36m[dev]\x1b[0m ${message}`);
}

let stack: Stack | undefined;
let stopCacheUpkeep: () => Promise<void> = async () => undefined;
let wrangler: ChildProcess | undefined;
let edge: ChildProcess | undefined;
let cron: Cron | undefined;
let stopping = false;

async function stop(code: number): Promise<void> {
  // npm and tsx both forward Ctrl-C, so a second signal arrives while the first is closing.
  if (stopping) return;
  stopping = true;
  say("stopping…");
  cron?.stop();
  await Promise.all([wrangler, edge].map((child) => stopChild(child)));
  // A stuck close (a query still running in PGlite) must not keep the terminal hostage.
  await Promise.race([stopCacheUpkeep().then(() => stack?.close()), new Promise((r) => setTimeout(r, 10_000))]);
  process.exit(code);
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

const prefer = async (fixed: number) => ((await portIsFree(fixed)) ? fixed : 0);

try {
  stack = await startStack({
    databaseUrl,
    pgliteDir: `${root}.data/pglite`,
    redisUrl,
    upstashToken: DEV_UPSTASH_TOKEN,
    latencyMs,
    ports: {
      neon: await prefer(DEV_PORTS.neon),
      upstash: await prefer(DEV_PORTS.upstash),
      postgres: databaseUrl ? undefined : await prefer(DEV_PORTS.postgres),
    },
  });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

say(
  stack.postgres.kind === "pglite"
    ? `Postgres: embedded PGlite in .data/pglite, on ${stack.postgres.url} (set DATABASE_URL to use a server)`
    : `Postgres: ${redact(stack.postgres.url)}`,
);
say(`Neon proxy: ${stack.neon.url}${latencyMs ? ` (+${latencyMs} ms per request)` : ""}, migrations applied`);
say(
  stack.upstash
    ? `Upstash proxy: ${stack.upstash.url} → ${redact(redisUrl ?? "")}`
    : "Redis: off (set REDIS_URL to turn on the cache, idempotency keys and rate limits)",
);
stopCacheUpkeep = await startCacheUpkeep(stack, DEV_UPSTASH_TOKEN, say);
if (stack.upstash)
  say("Cache: earlier answers dropped; writes behind the API (db:seed, Studio, psql) apply within 1 s");

// The stack's own bindings win over .dev.vars (blank = off, so an Upstash URL left in .dev.vars
// cannot turn Redis on behind "Redis: off"); the Worker's other settings may come from .dev.vars.
const corsOrigins = process.env.CORS_ORIGINS;
const vars: Record<string, string> = {
  ...stack.bindings,
  UPSTASH_REDIS_REST_URL: stack.bindings.UPSTASH_REDIS_REST_URL ?? "",
  UPSTASH_REDIS_REST_TOKEN: stack.bindings.UPSTASH_REDIS_REST_TOKEN ?? "",
  AUTH_DISABLED: "true",
  ...(corsOrigins ? { CORS_ORIGINS: corsOrigins } : {}),
};
const fromDevVars = Object.entries(readDevVars() ?? {})
  .filter(([key, value]) => !(key in vars) && value !== "")
  .map(([key]) => key);
if (fromDevVars.length > 0) {
  say(`From .dev.vars: ${fromDevVars.join(", ")} (the stack sets ${Object.keys(vars).join(", ")} itself)`);
}

wrangler = spawnWranglerDev(port, vars, "inherit");
// The edge role in front of it, as deployed (src/edge/edge-role.ts): reaching the origin by URL
// here, by service binding in production; its cache state kept apart from the origin's.
const edgePort = port + 1;
edge = spawnWranglerDev(edgePort, { ROLE: "edge", ORIGIN_URL: `http://127.0.0.1:${port}` }, "ignore", "ignore", [
  "--persist-to",
  `${root}.wrangler/edge-state`,
  "--inspector-port",
  "0",
]);
for (const [name, child] of [
  ["wrangler", wrangler],
  ["wrangler (edge role)", edge],
] as const) {
  child.once("exit", (code) => {
    if (!stopping) {
      say(`${name} exited (${code})`);
      void stop(code ?? 1);
    }
  });
}

if (await waitForApi(`http://127.0.0.1:${port}/`, wrangler)) {
  cron = startCron(`http://127.0.0.1:${port}`);
  const edgeUp = await waitForApi(`http://127.0.0.1:${edgePort}/`, edge);
  say(`API:     http://127.0.0.1:${port}`);
  if (edgeUp)
    say(`Edge:    http://127.0.0.1:${edgePort} (the edge role: Cache-Control: max-stale=N reads from its cache)`);
  say(`Docs:    http://127.0.0.1:${port}/docs`);
  say(`OpenAPI: http://127.0.0.1:${port}/openapi.json`);
  if (corsOrigins) say(`CORS:    ${corsOrigins}`);
  say("Writes need no API key here (AUTH_DISABLED=true). Cron Triggers fire every minute. Ctrl-C stops everything.");
}
