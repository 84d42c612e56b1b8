// `npm run dev:stack`: only the local services, on the fixed ports .dev.vars.example names, until
// Ctrl-C; then `cp .dev.vars.example .dev.vars && npx wrangler dev` in another terminal.
//   DATABASE_URL   a postgres:// server to use; unset = embedded PGlite kept in .data/pglite,
//                  served on 127.0.0.1:4446
//   REDIS_URL      the Redis behind the Upstash proxy; unset = the one on 127.0.0.1:6379, else a
//                  redis-server from PATH started on 4447, else none (Redis features off)
//   DB_LATENCY_MS  delay the Neon proxy adds to every request
//   WORKER_URL     the `wrangler dev` whose Cron Trigger the stack fires every minute
//                  (default http://127.0.0.1:8787; nothing happens while none answers there)
import { fileURLToPath } from "node:url";
import { startCacheUpkeep } from "./cache-outbox.ts";
import { startCron } from "./cron.ts";
import { DEV_VARS_PATH, identityOf, readDevVars } from "./dev-vars.ts";
import { DEV_PORTS, DEV_UPSTASH_TOKEN, portIsFree } from "./ports.ts";
import { redact } from "./postgres.ts";
import { type RedisServer, resolveDevRedis } from "./redis.ts";
import { type Stack, startStack } from "./stack.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const databaseUrl = process.env.DATABASE_URL || undefined;

function say(message: string): void {
  console.log(`\x1b[36m[dev:stack]\x1b[0m ${message}`);
}

let stack: Stack | undefined;
let stopCacheUpkeep: () => Promise<void> = async () => undefined;
let redis: RedisServer | undefined;
let stopping = false;

async function stop(code: number): Promise<void> {
  // npm and tsx both forward Ctrl-C, so a second signal arrives while the first is closing.
  if (stopping) return;
  stopping = true;
  say("stopping…");
  // A stuck close (a query still running in PGlite) must not keep the terminal hostage.
  await Promise.race([stopCacheUpkeep().then(() => stack?.close()), new Promise((r) => setTimeout(r, 10_000))]);
  await redis?.close();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

async function start(): Promise<Stack> {
  const wanted = {
    neon: DEV_PORTS.neon,
    upstash: DEV_PORTS.upstash,
    ...(databaseUrl ? {} : { postgres: DEV_PORTS.postgres }),
  };
  for (const [name, port] of Object.entries(wanted)) {
    if (!(await portIsFree(port))) {
      throw new Error(
        `Port ${port} (${name}) is taken: is another \`npm run dev:stack\` or \`npm run dev\` running? .dev.vars.example expects the stack on 4444-4446.`,
      );
    }
  }
  redis = await resolveDevRedis(process.env.REDIS_URL || undefined, DEV_PORTS.redis);
  return startStack({
    databaseUrl,
    pgliteDir: `${root}.data/pglite`,
    redisUrl: redis?.url,
    upstashToken: DEV_UPSTASH_TOKEN,
    latencyMs: Number(process.env.DB_LATENCY_MS || 0),
    ports: wanted,
  });
}

try {
  stack = await start();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await redis?.close();
  process.exit(1);
}

say(
  stack.postgres.kind === "pglite"
    ? `Postgres:      embedded PGlite in .data/pglite, on ${stack.postgres.url}`
    : `Postgres:      ${redact(stack.postgres.url)}`,
);
say(`Neon proxy:    ${stack.neon.url}, migrations applied`);
const redisSource = {
  url: "REDIS_URL",
  local: "the Redis on 127.0.0.1:6379",
  spawned: "a redis-server started for the stack",
};
say(
  stack.upstash && redis
    ? `Upstash proxy: ${stack.upstash.url} → ${redact(redis.url)} (${redisSource[redis.source]}), token ${DEV_UPSTASH_TOKEN}`
    : "Redis:         none (set REDIS_URL, run one on 127.0.0.1:6379 or install redis-server); cache, idempotency keys and rate limits are off",
);
stopCacheUpkeep = await startCacheUpkeep(stack, DEV_UPSTASH_TOKEN, say);
if (stack.upstash)
  say("Cache:         earlier answers dropped; writes behind the API (db:seed, Studio, psql) apply within 1 s");

// What a bare `wrangler dev` must find in .dev.vars to use this stack.
const expected: Record<string, string> = {
  NEON_FETCH_ENDPOINT: stack.neon.url,
  UPSTASH_REDIS_REST_URL: stack.upstash?.url ?? "",
  UPSTASH_REDIS_REST_TOKEN: stack.upstash ? DEV_UPSTASH_TOKEN : "",
};
const devVars = readDevVars();
if (!devVars) {
  say("No .dev.vars yet: `cp .dev.vars.example .dev.vars`, then `npx wrangler dev` in another terminal.");
} else {
  const fixes = Object.entries(expected)
    .filter(([key, value]) => (devVars[key] ?? "") !== value)
    .map(([key, value]) => `${key}=${value}`);
  // The proxy serves its own Postgres; it takes only the user and database from DATABASE_URL.
  if (identityOf(devVars.DATABASE_URL ?? "") !== identityOf(stack.postgres.url)) {
    const url = redact(stack.postgres.url);
    fixes.unshift(`DATABASE_URL=${url}${url.includes(":***@") ? "   (with the real password)" : ""}`);
  }
  if (fixes.length === 0) say(`${DEV_VARS_PATH} matches this stack: run \`npx wrangler dev\` in another terminal.`);
  else say(`.dev.vars does not match this stack; set:\n  ${fixes.join("\n  ")}`);
}
// A bare `wrangler dev` fires no Cron Trigger; the stack does, on production's schedule.
const workerUrl = process.env.WORKER_URL || "http://127.0.0.1:8787";
startCron(workerUrl);
say(`Cron:          ${workerUrl}/cdn-cgi/local/scheduled every minute, while a Worker answers there`);
say("Ctrl-C stops the stack.");
