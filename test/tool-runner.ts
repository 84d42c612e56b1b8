import { spawn } from "node:child_process";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

// The data tools a test may run, as `npm run <name>` runs them.
const TOOLS: Record<string, string> = { "db:seed": "dev/db/db-seed.ts", "db:reset": "dev/db/db-reset.ts" };

const root = fileURLToPath(new URL("..", import.meta.url));

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ToolRunner {
  origin: string;
  close(): Promise<void>;
}

function run(script: string, args: string[], env: Record<string, string>): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function readJson(req: IncomingMessage): Promise<{ tool?: string; args?: string[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

/**
 * Runs the data tools for tests inside workerd, which cannot start a process: `POST /run
 * {tool, args}` runs `npm run <tool> -- <args>`'s script against the test stack, with the
 * settings a developer gives it (`env`: DATABASE_URL, NEON_FETCH_ENDPOINT and the API's Upstash
 * URL and token), and answers its exit code and output.
 */
export async function startToolRunner(env: Record<string, string>): Promise<ToolRunner> {
  const server = createServer((req, res) => {
    readJson(req)
      .then(async ({ tool, args = [] }) => {
        const script = tool === undefined ? undefined : TOOLS[tool];
        if (req.method !== "POST" || req.url !== "/run" || !script) {
          res.writeHead(400, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ error: `POST /run with a tool of: ${Object.keys(TOOLS).join(", ")}` }));
          return;
        }
        const result = await run(script, args, env);
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(result));
      })
      .catch((err: unknown) => {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: String(err) }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
