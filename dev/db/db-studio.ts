// `npm run db:studio [-- --port 4983]`: browse and edit the data with Drizzle Studio
// (drizzle-kit studio, opened at https://local.drizzle.studio). The database is DATABASE_URL
// when set; else the PGlite of a running `npm run dev` / `dev:stack` (through its wire port);
// else PGlite's folder .data/pglite, opened directly and locked while the studio runs. Rows
// changed here reach the API's cache through cache_outbox, like every write behind the API.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { lockDataDir, pgliteOwner, redact } from "../stack/postgres.ts";

const { values } = parseArgs({ options: { port: { type: "string", default: "4983" } } });
const root = fileURLToPath(new URL("../..", import.meta.url));
const pgliteDir = `${root}.data/pglite`;

const env: NodeJS.ProcessEnv = { ...process.env };
let unlock: () => void = () => undefined;
if (process.env.DATABASE_URL) {
  console.log(`Drizzle Studio on ${redact(process.env.DATABASE_URL)}`);
} else {
  const owner = pgliteOwner(pgliteDir);
  if (owner?.url) {
    env.DATABASE_URL = owner.url;
    console.log(`Drizzle Studio on the running stack's PGlite (${owner.url}, process ${owner.pid})`);
  } else {
    unlock = lockDataDir(pgliteDir);
    env.DRIZZLE_PGLITE_DIR = pgliteDir;
    console.log(
      "Drizzle Studio on .data/pglite (locked until the studio stops: npm run dev and dev:stack refuse to open it meanwhile)",
    );
  }
}

// A trigger records every change in cache_outbox, in the change's own transaction; who applies it.
console.log(
  env.DRIZZLE_PGLITE_DIR
    ? "Cached reads: no API runs on this folder now; the next stack drops what its Redis cached before."
    : "Cached reads: your changes reach a running local stack's cache within a second, a deployed API's within a minute (its scheduled drain).",
);

const studio = spawn("drizzle-kit", ["studio", "--host", "127.0.0.1", "--port", values.port], {
  cwd: root,
  env,
  stdio: "inherit",
});
const stop = () => studio.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
studio.once("exit", (code) => {
  unlock();
  process.exit(code ?? 0);
});
