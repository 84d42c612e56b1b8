// `npm run docs:check -- [URL]`: runs the ```sh blocks of the README and then of docs/*.md (in
// DOCS order) as a reader pastes them, against a running `REDIS_URL=… npm run dev` (default
// http://127.0.0.1:8787; another URL replaces that one in the commands). The blocks run in order
// in one bash session, so variables the README's walk-through sets carry over. Every
// command must exit 0, and a `# →` comment (after the command, or on its own lines below it) is
// the output it must print, where `…` stands for any text. ```console blocks are not run.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The documents whose examples run, in the order a reader meets them: the README first. */
export function documents(): string[] {
  const docs = readdirSync(`${ROOT}docs`)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
  return ["README.md", ...docs];
}

/**
 * The repository paths a document names (`src/…`, `dev/…`, `test/…`, `docs/…`, `drizzle/…`,
 * `.github/…`, `.ci/…` in backticks, and relative Markdown links) that do not exist.
 */
export function missingPaths(file: string): string[] {
  const text = readFileSync(`${ROOT}${file}`, "utf8");
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "";
  const named = [...text.matchAll(/`((?:src|dev|test|docs|drizzle|\.github|\.ci)\/[A-Za-z0-9_./-]*)`/g)].map(
    (m) => m[1] ?? "",
  );
  const linked = [...text.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)(#[^)]*)?\)/g)].map(
    (m) => `${dir}${m[1] ?? ""}`,
  );
  return [...new Set([...named, ...linked])].filter((p) => !existsSync(`${ROOT}${p}`));
}
const DEFAULT_BASE = "http://127.0.0.1:8787";
const base = (process.argv[2] ?? DEFAULT_BASE).replace(/\/$/, "");
const MARK = "__docs_check_done__";
const STEP_TIMEOUT_MS = 30_000;

interface Step {
  /** 1-based line of the README where the command starts. */
  line: number;
  command: string;
  /** What the command must print (`…` = anything); undefined = only the exit status counts. */
  expected?: string;
}

const ARROW = /\s#\s→\s?(.*)$/;

/** The ```sh blocks of a Markdown text, as commands with their expected output. */
export function parseSteps(markdown: string): Step[] {
  const steps: Step[] = [];
  let fence: string | undefined;
  let runnable = false;
  let current: Step | undefined;
  let continuing = false;
  for (const [i, raw] of markdown.split("\n").entries()) {
    const line = raw.trimEnd();
    if (fence === undefined) {
      const open = line.match(/^(`{3,})(\S*)/);
      if (open) {
        fence = open[1];
        runnable = open[2] === "sh";
        current = undefined;
        continuing = false;
      }
      continue;
    }
    if (line === fence) {
      fence = undefined;
      continue;
    }
    if (!runnable) continue;
    const own = line.match(/^#\s→\s?(.*)$/);
    if (own && current && !continuing) {
      const text = own[1] ?? "";
      current.expected = current.expected === undefined ? text : `${current.expected}\n${text}`;
      continue;
    }
    if (!continuing && (line === "" || line.startsWith("#"))) {
      // A blank line or a plain comment ends what a `# →` line below could belong to.
      current = undefined;
      continue;
    }
    const trailing = line.match(ARROW);
    const code = (trailing ? line.slice(0, trailing.index) : line).trimEnd();
    if (continuing && current) current.command += `\n${code}`;
    else {
      current = { line: i + 1, command: code };
      steps.push(current);
    }
    if (trailing) current.expected = trailing[1] ?? "";
    continuing = code.endsWith("\\");
  }
  return steps;
}

/** `…` matches any text; everything else literally, line endings and trailing spaces aside. */
export function matches(output: string, expected: string): boolean {
  const normalize = (s: string) =>
    s
      .replaceAll("\r", "")
      .split("\n")
      .map((l) => l.trimEnd())
      .join("\n")
      .trim();
  const pattern = normalize(expected)
    .split("…")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*?");
  return new RegExp(`^${pattern}$`).test(normalize(output));
}

class Shell {
  private buffer = "";
  private readonly bash = spawn("bash", ["--noprofile", "--norc"], { stdio: ["pipe", "pipe", "pipe"] });

  constructor() {
    this.bash.stdout.setEncoding("utf8");
    this.bash.stdout.on("data", (chunk: string) => {
      this.buffer += chunk;
    });
    this.bash.stderr.setEncoding("utf8");
    this.bash.stderr.on("data", (chunk: string) => {
      this.buffer += chunk;
    });
  }

  /** Runs `command` in the session; resolves with what it printed (stdout and stderr) and its status. */
  async run(command: string): Promise<{ output: string; status: number }> {
    this.buffer = "";
    this.bash.stdin.write(`{\n${command}\n} 2>&1; printf '\\n${MARK} %s\\n' "$?"\n`);
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const at = this.buffer.indexOf(`\n${MARK} `);
      const end = at === -1 ? -1 : this.buffer.indexOf("\n", at + 1);
      if (end !== -1) {
        const status = Number(this.buffer.slice(at + MARK.length + 2, end));
        return { output: this.buffer.slice(0, at), status };
      }
      if (Date.now() > deadline) return { output: this.buffer, status: 124 };
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.bash.stdin.end();
  }
}

async function main(): Promise<void> {
  const up = await fetch(`${base}/`).then(
    (res) => res.ok,
    () => false,
  );
  if (!up) {
    console.error(
      `docs:check: nothing answers on ${base}; start \`REDIS_URL=redis://127.0.0.1:6379 npm run dev\` first.`,
    );
    process.exit(1);
  }
  const steps = documents().flatMap((file) =>
    parseSteps(readFileSync(`${ROOT}${file}`, "utf8")).map((step) => ({ ...step, file })),
  );
  if (steps.length === 0) {
    console.error("docs:check: the documents have no ```sh blocks");
    process.exit(1);
  }
  const shell = new Shell();
  let failed = 0;
  for (const step of steps) {
    const command = step.command.replaceAll(DEFAULT_BASE, base);
    const { output, status } = await shell.run(command);
    const head = `${step.file}:${step.line} ${command.split("\n")[0]}`;
    const expectedOk = step.expected === undefined || matches(output, step.expected);
    if (status === 0 && expectedOk) {
      console.log(`✓ ${head}`);
      continue;
    }
    failed++;
    console.log(`✗ ${head}`);
    if (status !== 0) console.log(`  exit status ${status}`);
    const indent = (text: string) => text.split("\n").join("\n            ");
    if (!expectedOk) console.log(`  expected: ${indent(step.expected ?? "")}`);
    console.log(`  output:   ${indent(output.trim()) || "(nothing)"}`);
  }
  shell.close();
  console.log(`\ndocs:check: ${steps.length - failed} of ${steps.length} documented commands ran as documented`);
  if (failed > 0) process.exit(1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
