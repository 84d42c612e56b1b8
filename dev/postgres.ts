import { mkdirSync } from "node:fs";
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
 * exactly as it talks to a real server. `dataDir` undefined keeps it in memory.
 */
export async function startPglite(dataDir?: string): Promise<Postgres> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  // The socket server multiplexes its clients onto PGlite's single session and keeps a
  // transaction on the client that opened it; a few slots let migrations and tools connect.
  const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 8 });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    kind: "pglite",
    async close() {
      await server.stop();
      await db.close();
    },
  };
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
