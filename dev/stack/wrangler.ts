import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `wrangler dev` on `port`, with the local stack handed to the Worker as `--var` bindings, which
 * win over .dev.vars. `devVars: "ignore"` keeps .dev.vars out entirely (an empty env file takes
 * its place), for runs whose figures must not depend on a developer's local settings.
 * `extraArgs` go to `wrangler dev` as they are (e.g. `--inspector-port`).
 */
export function spawnWranglerDev(
  port: number,
  vars: Record<string, string>,
  stdio: "inherit" | "ignore",
  devVars: "merge" | "ignore" = "merge",
  extraArgs: readonly string[] = [],
): ChildProcess {
  const envFile: string[] = [];
  if (devVars === "ignore") {
    const empty = join(tmpdir(), "edge-orders-api-no-dev-vars.env");
    writeFileSync(empty, "");
    envFile.push("--env-file", empty);
  }
  return spawn(
    "wrangler",
    [
      "dev",
      "--port",
      String(port),
      "--show-interactive-dev-session=false",
      ...envFile,
      ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
      ...extraArgs,
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
