import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import pg from "pg";

export interface Postgres {
  /** postgres:// URL of a server speaking the wire protocol. */
  url: string;
  kind: "server" | "pglite";
  close(): Promise<void>;
}

/**
 * Embedded PGlite served over the wire protocol, so the Neon proxy talks to it through `pg`
 * exactly as it talks to a real server. `dataDir` undefined keeps it in memory; `port` 0 takes
 * any free port.
 */
export async function startPglite(dataDir?: string, port = 0): Promise<Postgres> {
  let unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  let db: PGlite;
  try {
    db = dataDir ? await PGlite.create(dataDir) : await createPgliteInMemory();
  } catch (err) {
    unlock();
    throw err;
  }
  // The socket server multiplexes its clients onto PGlite's single session and keeps a
  // transaction on the client that opened it; a few slots let migrations and tools connect.
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 8 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    unlock();
    throw err;
  }
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  // Tools (db:studio, psql) find the running stack's PGlite through its lock file.
  if (dataDir) unlock = lockDataDir(dataDir, url);
  return {
    url,
    kind: "pglite",
    async close() {
      await server.stop();
      await db.close();
      unlock();
    },
  };
}

const PGLITE_PACKAGE = fileURLToPath(new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url));
const PGLITE_IMAGES = fileURLToPath(new URL("../../node_modules/.cache/edge-orders-api/", import.meta.url));

/**
 * A fresh in-memory PGlite. Creating one runs initdb inside WebAssembly (~4 s on a 2-core machine,
 * and each test project and some test files make one), so the first creation keeps an image of
 * the fresh cluster under node_modules/.cache (per PGlite version) and later ones start from it
 * (~1 s). The image is only a starting point: the database is in memory and nothing goes back.
 */
export async function createPgliteInMemory(): Promise<PGlite> {
  let image: string;
  try {
    const { version } = JSON.parse(readFileSync(PGLITE_PACKAGE, "utf8")) as { version: string };
    image = `${PGLITE_IMAGES}pglite-${version}.tar.gz`;
  } catch {
    return PGlite.create();
  }
  try {
    return await PGlite.create({ loadDataDir: new Blob([readFileSync(image)]) });
  } catch {
    // No image yet (or an unreadable one): make the cluster, and the image for the next time.
  }
  const db = await PGlite.create();
  // Whole or not at all: another process may be reading or writing the same image.
  const partial = `${image}.${process.pid}.tmp`;
  try {
    const dump = Buffer.from(await (await db.dumpDataDir("gzip")).arrayBuffer());
    mkdirSync(dirname(image), { recursive: true });
    writeFileSync(partial, dump);
    renameSync(partial, image);
  } catch {
    // A read-only node_modules only costs the next creation its initdb.
    rmSync(partial, { force: true });
  }
  return db;
}

/** Whether a process with this id is running. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder corrupts it. A
 * `<dir>.lock` file with the owner's pid makes a second `npm run dev`/`dev:stack` (or db:reset)
 * stop with a clear message instead.
 */
export function lockDataDir(dataDir: string, url = ""): () => void {
  const lockFile = `${dataDir}.lock`;
  const owner = pgliteOwner(dataDir);
  if (owner !== undefined && owner.pid !== process.pid) {
    throw new Error(
      `${dataDir} is in use by process ${owner.pid} (npm run dev, dev:stack or db:studio); stop it first, or set DATABASE_URL to use a Postgres server`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(lockFile, `${process.pid}\n${url}\n`);
  return () => rmSync(lockFile, { force: true });
}

/** The running process that holds PGlite's folder, if any, and where it serves it (if it does). */
export function pgliteOwner(dataDir: string): { pid: number; url: string } | undefined {
  try {
    const [pidLine = "", url = ""] = readFileSync(`${dataDir}.lock`, "utf8").split("\n");
    const pid = Number(pidLine.trim());
    return Number.isInteger(pid) && pid > 0 && processAlive(pid) ? { pid, url: url.trim() } : undefined;
  } catch {
    return undefined;
  }
}

/** A real server named by URL; checked once so a wrong URL fails with a clear message. */
export async function useServer(url: string): Promise<Postgres> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (err) {
    throw new Error(`Cannot reach Postgres at ${redact(url)}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return { url, kind: "server", close: async () => undefined };
}

/**
 * A throwaway database on a real server for one test run, so runs never see each other's
 * rows and nothing of the named database is touched.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<Postgres> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect().catch((err: Error) => {
    throw new Error(`Cannot reach Postgres at ${redact(serverUrl)}: ${err.message}`);
  });
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: "server",
    async close() {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<invalid url>";
  }
}
