import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** `wrangler dev` on `port`, with the local stack handed to the Worker as `--var` bindings. */
export function spawnWranglerDev(
  port: number,
  vars: Record<string, string>,
  stdio: "inherit" | "ignore",
): ChildProcess {
  return spawn(
    "wrangler",
    [
      "dev",
      "--port",
      String(port),
      "--show-interactive-dev-session=false",
      ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
    ],
    { cwd: root, stdio, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
}

/** Polls `url` until it answers 2xx (true), the child exits or 60 s pass (false). */
export async function waitForApi(url: string, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    const up = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (up) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
