/**
 * `npm run bench simulator`: requests/s the RunPod simulator serves on loopback, and its
 * memory with 10,000 in-flight jobs. The simulator runs in a child process (real clock,
 * scenarios/bench.yaml, rate limits off); this process is the load generator, with
 * keep-alive connections. Bounded: fixed request counts, each phase capped in time.
 * Options: --jobs N (default 10000), --concurrency N (default 64), --seconds N per phase (default 5).
 */
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : def;
  return Number.isFinite(v) && v > 0 ? v : def;
};
const JOBS = opt("jobs", 10_000);
const CONCURRENCY = opt("concurrency", 64);
const SECONDS = opt("seconds", 5);
const KEY = "bench-key";
const root = path.resolve(import.meta.dirname, "..");

function startChild(): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "lib/simulator/main.ts")], {
    cwd: root,
    env: { ...process.env, SIMULATOR_PORT: "0", SIMULATOR_SCENARIO: "scenarios/bench.yaml", SIMULATOR_API_KEY: KEY, SIMULATOR_SEED: "1", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error("simulator did not start within 30 s")), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve({
          port: Number(m[1]),
          stop: () =>
            new Promise((ok) => {
              child.once("exit", () => ok());
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`simulator exited early (code ${code})`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function request(port: number, method: string, p: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method, path: p, agent, headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json", ...(body ? { "Content-Length": Buffer.byteLength(body) } : {}) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

interface PhaseResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
}

/** Runs `next(i)` with CONCURRENCY workers until `total` requests or the time cap. */
async function phase(name: string, total: number, capSeconds: number, next: (i: number) => Promise<{ status: number }>): Promise<PhaseResult> {
  let issued = 0;
  let errors = 0;
  const lat: number[] = [];
  const t0 = performance.now();
  const deadline = t0 + capSeconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (issued < total && performance.now() < deadline) {
        const i = issued++;
        const s = performance.now();
        try {
          const r = await next(i);
          if (r.status !== 200) errors++;
        } catch {
          errors++;
        }
        lat.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
  return { name, requests: lat.length, errors, seconds, rps: lat.length / seconds, p50: q(0.5), p99: q(0.99) };
}

async function memory(port: number) {
  const r = JSON.parse((await request(port, "GET", "/_sim/health")).text) as { jobs: number; memory: { rss: number; heapUsed: number } };
  return { jobs: r.jobs, rssMb: r.memory.rss / 2 ** 20, heapMb: r.memory.heapUsed / 2 ** 20 };
}

const fmt = (r: PhaseResult) =>
  `${r.name.padEnd(34)} ${String(r.requests).padStart(7)} req in ${r.seconds.toFixed(2).padStart(5)} s  ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  errors ${r.errors}`;

async function main() {
  console.log(`simulator bench: ${JOBS} jobs, concurrency ${CONCURRENCY}, ≤${SECONDS} s per timed phase, loopback, keep-alive`);
  const sim = await startChild();
  try {
    const m0 = await memory(sim.port);
    console.log(`memory at start:                   rss ${m0.rssMb.toFixed(1)} MB, heap ${m0.heapMb.toFixed(1)} MB`);
    const ids: string[] = [];
    const body = JSON.stringify({ input: { x1: 1.5, x2: 7.25, trial: 0 }, policy: { ttl: 3_600_000 } });
    const run = await phase("POST /run (jobs stay IN_QUEUE)", JOBS, 120, async () => {
      const r = await request(sim.port, "POST", "/v2/bench-queue/run", body);
      if (r.status === 200) ids.push((JSON.parse(r.text) as { id: string }).id);
      return r;
    });
    console.log(fmt(run));
    const m1 = await memory(sim.port);
    console.log(`memory with ${String(m1.jobs).padEnd(6)} in-flight jobs:    rss ${m1.rssMb.toFixed(1)} MB, heap ${m1.heapMb.toFixed(1)} MB`);
    const results = [
      await phase("GET /status/{id}", 1_000_000, SECONDS, (i) => request(sim.port, "GET", `/v2/bench-queue/status/${ids[(i * 7919) % ids.length]}`)),
      await phase("GET /health", 1_000_000, SECONDS, () => request(sim.port, "GET", "/v2/bench-queue/health")),
      await phase("GET /v2/serverless/{id}/workers", 1_000_000, SECONDS, (i) => request(sim.port, "GET", `/v2/serverless/${i % 2 ? "bench-healthy" : "bench-crashloop"}/workers`)),
      await phase("mixed poller traffic", 1_000_000, SECONDS, (i) => {
        const k = i % 10;
        if (k < 7) return request(sim.port, "GET", `/v2/bench-queue/status/${ids[(i * 7919) % ids.length]}`);
        if (k < 9) return request(sim.port, "GET", "/v2/bench-healthy/health");
        return request(sim.port, "GET", "/v2/serverless/bench-crashloop/workers");
      }),
    ];
    for (const r of results) console.log(fmt(r));
    const m2 = await memory(sim.port);
    console.log(`memory after the load:             rss ${m2.rssMb.toFixed(1)} MB, heap ${m2.heapMb.toFixed(1)} MB (${m2.jobs} jobs held)`);
  } finally {
    agent.destroy();
    await sim.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
