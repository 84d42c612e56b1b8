// A fault-injecting HTTP proxy for the local stack. It sits between the Worker and the Neon or
// Upstash proxy and, per rule, passes a request on, hangs it, drops the answer after the target
// has handled it (the "lost answer after commit" case: the connection breaks, or a gateway answers
// an error instead), answers an error itself, answers what a rule gives (any status, body and
// content type: a rate limit, an HTML page), or holds it until released. Tests drive it over HTTP (`/__fault/…`), so interleavings are chosen, not timed.
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

type FaultMode = "pass" | "hang" | "drop" | "lose" | "error" | "answer" | "hold";

export interface FaultRule {
  mode: FaultMode;
  /** Applies only to requests whose body contains this text; absent = every request. */
  match?: string;
  /** How many matching requests the rule takes before it retires; absent = all of them. */
  times?: number;
  /** The status an "error" or "answer" rule answers with (default 503). */
  status?: number;
  /** What an "answer" rule sends, as is (default empty), and its Content-Type (default none). */
  body?: string;
  contentType?: string;
}

export interface FaultStats {
  forwarded: number;
  hung: number;
  dropped: number;
  errored: number;
  held: number;
}

interface FaultProxy {
  /** Origin of the proxy; paths are forwarded to the target unchanged. */
  origin: string;
  port: number;
  close(): Promise<void>;
}

const CONTROL = "/__fault";

interface Held {
  forward: () => void;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) });
  res.end(text);
}

function isRule(value: unknown): value is FaultRule {
  const modes: FaultMode[] = ["pass", "hang", "drop", "lose", "error", "answer", "hold"];
  return typeof value === "object" && value !== null && modes.includes((value as FaultRule).mode);
}

/** Starts a proxy in front of `target` (an origin such as http://127.0.0.1:4444). */
export async function startFaultProxy(opts: { target: string; port?: number; host?: string }): Promise<FaultProxy> {
  const target = new URL(opts.target);
  let rules: FaultRule[] = [];
  let held: Held[] = [];
  const stats: FaultStats = { forwarded: 0, hung: 0, dropped: 0, errored: 0, held: 0 };
  const hungSockets = new Set<Socket>();
  // Long polls waiting for a number of held requests.
  let heldWaiters: { count: number; resolve: () => void }[] = [];

  function takeRule(body: string): FaultRule | undefined {
    const index = rules.findIndex((r) => r.match === undefined || body.includes(r.match));
    const rule = rules[index];
    if (!rule) return undefined;
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) rules.splice(index, 1);
    }
    return rule;
  }

  function forward(
    req: IncomingMessage,
    body: Buffer,
    onAnswer: (status: number, headers: object, answer: Buffer) => void,
  ) {
    stats.forwarded++;
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, "content-length": String(body.length) },
      },
      async (answer) => {
        const data = await readBody(answer);
        onAnswer(answer.statusCode ?? 502, answer.headers, data);
      },
    );
    upstream.on("error", () => onAnswer(502, {}, Buffer.from("fault proxy: target unreachable")));
    upstream.end(body);
  }

  function relay(res: ServerResponse) {
    return (status: number, headers: object, answer: Buffer) => {
      const copy: Record<string, string | string[] | undefined> = { ...(headers as Record<string, string>) };
      delete copy["transfer-encoding"];
      delete copy.connection;
      copy["content-length"] = String(answer.length);
      res.writeHead(status, copy);
      res.end(answer);
    };
  }

  function notifyHeld(): void {
    const ready = heldWaiters.filter((w) => held.length >= w.count);
    heldWaiters = heldWaiters.filter((w) => held.length < w.count);
    for (const w of ready) w.resolve();
  }

  function releaseHeld(): number {
    const now = held;
    held = [];
    for (const h of now) h.forward();
    return now.length;
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const body = (await readBody(req)).toString("utf8");
    const action = `${req.method} ${path.slice(CONTROL.length) || "/"}`;
    switch (action) {
      case "POST /": {
        const parsed: unknown = JSON.parse(body || "null");
        const list = Array.isArray(parsed) ? parsed : [parsed];
        if (!list.every(isRule))
          return sendJson(res, 400, { error: "a rule needs mode: pass|hang|drop|lose|error|answer|hold" });
        rules.push(...list.map((r) => ({ ...r })));
        return sendJson(res, 200, { rules });
      }
      case "POST /release":
        return sendJson(res, 200, { released: releaseHeld() });
      case "GET /held": {
        // Answers once at least `count` requests are held: a condition, never a sleep.
        const count = Number(new URL(req.url ?? "", "http://x").searchParams.get("count") ?? 0);
        if (held.length < count) await new Promise<void>((resolve) => heldWaiters.push({ count, resolve }));
        return sendJson(res, 200, { held: held.length });
      }
      case "GET /stats":
        return sendJson(res, 200, stats);
      case "POST /reset": {
        rules = [];
        releaseHeld();
        for (const s of hungSockets) s.destroy();
        hungSockets.clear();
        Object.assign(stats, { forwarded: 0, hung: 0, dropped: 0, errored: 0, held: 0 });
        return sendJson(res, 200, { ok: true });
      }
      default:
        return sendJson(res, 404, { error: `unknown control ${action}` });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === CONTROL || path.startsWith(`${CONTROL}/`)) return control(req, res, path);
    const body = await readBody(req);
    const rule = takeRule(body.toString("utf8"));
    switch (rule?.mode ?? "pass") {
      case "pass":
        return forward(req, body, relay(res));
      case "hang":
        stats.hung++;
        hungSockets.add(req.socket);
        return;
      case "drop":
        // The target handles the request in full; only its answer is lost on the way back.
        return forward(req, body, () => {
          stats.dropped++;
          req.socket.destroy();
        });
      case "lose":
        // The target handles the request in full; a gateway then answers an error in its place.
        return forward(req, body, () => {
          stats.dropped++;
          sendJson(res, rule?.status ?? 502, { error: "fault proxy: the answer was lost" });
        });
      case "error":
        stats.errored++;
        return sendJson(res, rule?.status ?? 503, { error: "fault proxy: injected error" });
      case "answer": {
        // Nothing reaches the target: the answer is the rule's, byte for byte.
        stats.errored++;
        const text = Buffer.from(rule?.body ?? "", "utf8");
        const headers: Record<string, string> = { "Content-Length": String(text.length) };
        if (rule?.contentType) headers["Content-Type"] = rule.contentType;
        res.writeHead(rule?.status ?? 503, headers);
        res.end(text);
        return;
      }
      case "hold":
        stats.held++;
        held.push({ forward: () => forward(req, body, relay(res)) });
        notifyHeld();
        return;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(err) });
    });
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    port,
    close: async () => {
      releaseHeld();
      for (const s of hungSockets) s.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
