import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { documents, matches, missingPaths, parseSteps } from "../../dev/checks/docs-check.ts";

const sample = [
  "Text.",
  "```console",
  "npm run dev     # not run",
  "```",
  "```sh",
  "A=1",
  "curl -s $API/x \\",
  "  -d '{}'      # → {\"id\":…}",
  "# a plain comment",
  "curl -si $API/y | head -1",
  "# → HTTP/1.1 200 OK",
  "# → second line",
  "",
  "echo done",
  "```",
  "```json",
  '{ "not": "a command" }',
  "```",
].join("\n");

describe("docs:check", () => {
  it("runs only ```sh blocks, joins continued lines and reads `# →` expectations after or below a command", () => {
    expect(parseSteps(sample)).toEqual([
      { line: 6, command: "A=1" },
      { line: 7, command: "curl -s $API/x \\\n  -d '{}'", expected: '{"id":…}' },
      { line: 10, command: "curl -si $API/y | head -1", expected: "HTTP/1.1 200 OK\nsecond line" },
      { line: 14, command: "echo done" },
    ]);
  });

  it("matches `…` against any text and everything else literally, ignoring CR and trailing spaces", () => {
    expect(matches('{"id":12,"name":"x"}\n', '{"id":…,"name":"x"}')).toBe(true);
    expect(matches("HTTP/1.1 304 Not Modified\r\n", "HTTP/1.1 304 Not Modified")).toBe(true);
    expect(matches("HTTP/1.1 200 OK", "HTTP/1.1 304 Not Modified")).toBe(false);
    expect(matches("X-Cache: MISS\nmore", "X-Cache: MISS")).toBe(false);
    expect(matches("a.b", "a…b")).toBe(true);
    expect(matches("axb", "a.b")).toBe(false);
  });

  it("finds runnable examples in the README, which cites no document outside the repository", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const steps = parseSteps(readme);
    expect(steps.length).toBeGreaterThan(10);
    expect(steps.filter((s) => s.expected !== undefined).length).toBeGreaterThan(5);
    expect(readme).not.toMatch(/API\.md|DESIGN\.md|protocols\.md|\.\.\/shared/);
    expect(readme).not.toContain("Idempotency-Key: 5f0c…");
  });

  it("finds every path and relative link the README and docs/ name in the repository", () => {
    const missing = documents().flatMap((file) => missingPaths(file).map((path) => `${file}: ${path}`));
    expect(missing).toEqual([]);
  });

  it("keeps the README a quick start: at most 200 lines, with a table of contents", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme.split("\n").length).toBeLessThanOrEqual(200);
    expect(readme).toMatch(/## Contents/);
  });
});
