import { parseArgs } from "node:util";
import { startUpstashProxy } from "./server.ts";

const usage =
  "usage: npm run proxy:upstash -- [--port 8079] [--host 127.0.0.1] " +
  "[--redis-url redis://127.0.0.1:6379/0] [--token T]\n" +
  "env fallbacks: REDIS_URL, UPSTASH_REDIS_REST_TOKEN";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8079" },
    host: { type: "string", default: "127.0.0.1" },
    "redis-url": { type: "string" },
    token: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

const redisUrl = values["redis-url"] ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const token = values.token ?? process.env.UPSTASH_REDIS_REST_TOKEN;
const port = Number(values.port);
if (values.help || !token || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(values.help ? usage : `missing --token or bad --port\n${usage}`);
  process.exit(values.help ? 0 : 2);
}

const proxy = await startUpstashProxy({ redisUrl, token, port, host: values.host });
// The redis URL may carry a password; never echo it.
const shownRedis = new URL(redisUrl);
shownRedis.password = shownRedis.password ? "***" : "";
console.log(`Upstash REST proxy on ${proxy.url} -> ${shownRedis.href}`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await proxy.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
