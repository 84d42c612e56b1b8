import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";

export const DEV_VARS_PATH = fileURLToPath(new URL("../../.dev.vars", import.meta.url));

/** The values kept in .dev.vars for a bare `wrangler dev`; undefined when there is no such file. */
export function readDevVars(): Record<string, string> | undefined {
  if (!existsSync(DEV_VARS_PATH)) return undefined;
  return parseEnv(readFileSync(DEV_VARS_PATH, "utf8")) as Record<string, string>;
}

/** "user@database" of a postgres:// URL: what the Neon proxy takes from DATABASE_URL (host and port are its own). */
export function identityOf(url: string): string {
  try {
    const u = new URL(url);
    return `${decodeURIComponent(u.username)}@${decodeURIComponent(u.pathname.slice(1))}`;
  } catch {
    return "";
  }
}
