// CLI: npm run proxy:neon -- --port 4444 --database-url postgres://… [--latency-ms N] [--pool-size N]
import { parseArgs } from "node:util";
import { startNeonProxy } from "./server";

const usage = "usage: proxy:neon -- --database-url postgres://… [--port P] [--host H] [--latency-ms N] [--pool-size N]";

function parseCli() {
  try {
    return parseArgs({
      options: {
        port: { type: "string", default: "0" },
        host: { type: "string", default: "127.0.0.1" },
        "database-url": { type: "string" },
        "latency-ms": { type: "string", default: "0" },
        "pool-size": { type: "string", default: "10" },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
}

const values = parseCli();

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a non-negative integer, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const databaseUrl = values["database-url"] ?? process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(`Missing --database-url (or DATABASE_URL)\n${usage}`);
  process.exit(2);
}

const proxy = await startNeonProxy({
  databaseUrl,
  host: values.host,
  port: integer("port", values.port),
  latencyMs: integer("latency-ms", values["latency-ms"]),
  poolSize: Math.max(1, integer("pool-size", values["pool-size"])),
});
console.log(`Neon SQL-over-HTTP proxy listening on ${proxy.url}`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await proxy.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
