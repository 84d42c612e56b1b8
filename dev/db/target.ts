import { createInterface } from "node:readline/promises";
import { neonEndpointProblem } from "../../src/env.ts";
import { DEV_DATABASE_URL, DEV_NEON_ENDPOINT, DEV_PORTS } from "../stack/ports.ts";
import { redact } from "../stack/postgres.ts";

/** The database a data tool works on, and how it reaches it: Neon's SQL-over-HTTP protocol. */
export interface Target {
  databaseUrl: string;
  /** A Neon-compatible endpoint (the local Neon proxy); undefined = Neon itself. */
  fetchEndpoint: string | undefined;
  /** How to name it to a person (no password). */
  label: string;
}

/**
 * DATABASE_URL (with NEON_FETCH_ENDPOINT unless it is a Neon host) when set; otherwise the local
 * stack of `npm run dev:stack` / `npm run dev` on its fixed ports, which must be running.
 */
export async function resolveTarget(): Promise<Target> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const fetchEndpoint = process.env.NEON_FETCH_ENDPOINT || undefined;
  if (databaseUrl) {
    const problem = neonEndpointProblem(databaseUrl, fetchEndpoint);
    if (problem) fail(`NEON_FETCH_ENDPOINT ${problem}.`);
    return {
      databaseUrl,
      fetchEndpoint,
      label: `${redact(databaseUrl)}${fetchEndpoint ? ` through ${fetchEndpoint}` : ""}`,
    };
  }
  const up = await fetch(`http://127.0.0.1:${DEV_PORTS.neon}/healthz`).then(
    (res) => res.ok,
    () => false,
  );
  if (!up) {
    fail(
      `Nothing answers on ${DEV_NEON_ENDPOINT}: start \`npm run dev:stack\` (or \`npm run dev\`) in another terminal, or set DATABASE_URL (and NEON_FETCH_ENDPOINT for a non-Neon host).`,
    );
  }
  return {
    databaseUrl: DEV_DATABASE_URL,
    fetchEndpoint: DEV_NEON_ENDPOINT,
    label: `the local stack's database through ${DEV_NEON_ENDPOINT}`,
  };
}

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** y/N on a terminal; `--yes` answers for scripts. Anything but y/yes is a no. */
export async function confirm(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) fail(`${question}\nNot a terminal: pass --yes to confirm.`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * The innermost reason of a failure: drizzle wraps the driver's error (in `cause`), the Neon
 * driver wraps fetch's (in `sourceError`), and fetch wraps the socket's (in `cause`).
 */
export function rootCause(err: unknown): string {
  const messages: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 6; depth++) {
    messages.push(e.message);
    e = (e as { sourceError?: unknown }).sourceError ?? e.cause;
  }
  return messages.slice(-2).join(": ") || String(err);
}
