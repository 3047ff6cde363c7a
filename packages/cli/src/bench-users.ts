// `npm run bench:users -- --users N`: the memory and time of streaming an org's users list of N
// users through the Partner API client, as discovery (--wallboxes-from api) reads it, against the
// simulator in a process of its own (so only the client's memory is measured). With --discover,
// then discovery itself, as a run does it: the users list into batches, each batch's wallbox
// lists (--concurrency at once, each answer --latency-ms late), the wallbox list and the plan.
// Prints a table and writes bench/results/bench-users-N.json (or bench-discovery-N.json).
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { withWorkFolder } from "@hems-reports/core/adapters/local/work-folder";
import { defaultHttp, PartnerApiClient, staticToken } from "@hems-reports/core/adapters/partner-api";
import { monthWindow } from "@hems-reports/core/domain/month";
import { planMonth } from "@hems-reports/core/pipeline";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "1000000" },
    discover: { type: "boolean", default: false },
    concurrency: { type: "string", default: "32" },
    "latency-ms": { type: "string", default: "50" },
    out: { type: "string", default: "bench/results" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  process.stdout.write(
    "Usage: npm run bench:users -- [--users N (default 1000000)] [--discover [--concurrency N (default 32)] [--latency-ms N (default 50)]] [--out DIR (default bench/results)]\n",
  );
  process.exit(0);
}
const users = Number(values.users);
if (!Number.isInteger(users) || users < 1 || users > 10_000_000) {
  process.stderr.write("bench:users: --users must be a whole number from 1 to 10000000\n");
  process.exit(2);
}

const child = spawn(
  process.execPath,
  [
    ...["--import", "tsx", "packages/simulator/src/main.ts", "--port", "0", "--seed", "users-bench", "--wallboxes", String(users)],
    // The users list is measured without latency (one request); the wallbox lists with it.
    ...(values.discover ? ["--latency-ms", values["latency-ms"]] : []),
  ],
  {
    stdio: ["ignore", "pipe", "inherit"],
  },
);
let url = "";
let clientSecret = "";
for await (const line of createInterface({ input: child.stdout! })) {
  url ||= /listening at (\S+)/.exec(line)?.[1] ?? "";
  clientSecret ||= /PODERO_CLIENT_SECRET=(\S+)/.exec(line)?.[1] ?? "";
  if (url && clientSecret) break;
}
// A token from the simulator's own endpoint, as the client credentials would give it.
const tokenAnswer = await fetch(`${url}/oauth2/token/`, {
  method: "POST",
  headers: { authorization: `Basic ${Buffer.from(`simulator-client:${clientSecret}`).toString("base64")}`, "content-type": "application/json" },
  body: JSON.stringify({ grant_type: "client_credentials" }),
});
const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
const client = new PartnerApiClient({ baseUrl: url, tokens: staticToken(token), http: defaultHttp() });
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
const started = performance.now();
const ORG = "0b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a11";
let result: Record<string, number>;
if (!values.discover) {
  let listed = 0;
  let declared = 0;
  for await (const user of client.users(ORG)) {
    listed++;
    declared += user.numWallboxes;
  }
  const seconds = (performance.now() - started) / 1000;
  result = { users: listed, declaredWallboxes: declared, seconds: Number(seconds.toFixed(1)), usersPerSecond: Math.round(listed / seconds) };
} else {
  // Discovery's three steps, as `planMonth` runs them in one process, on a temporary work folder.
  const concurrency = Number(values.concurrency);
  const planned = await withWorkFolder((work) =>
    planMonth(work, {
      wallboxes: { from: "partner-api", orgId: ORG },
      reader: client,
      window: monthWindow("2026-10"),
      generatedAt: new Date("2026-11-01T00:00:00Z"),
      shardsFor: (count) => Math.max(1, Math.ceil(count / 2_000)),
      concurrency,
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  result = {
    users,
    wallboxes: planned.plan.wallboxes,
    // The organisation, the users list, and one wallbox list a user (every simulated user has a wallbox).
    requests: 2 + users,
    concurrency,
    latencyMs: Number(values["latency-ms"]),
    seconds: Number(seconds.toFixed(1)),
    usersPerSecond: Math.round(users / seconds),
  };
}
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
child.kill();
result.peakRssMiB = Math.round(peak / 2 ** 20);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
const command = `npm run bench:users -- ${process.argv.slice(2).join(" ")}`.trim();
const columns = Object.keys(result) as (keyof typeof result)[];
process.stdout.write(`Machine: ${machine}\nCommand: ${command}\n\n| ${columns.join(" | ")} |\n|${columns.map(() => "---:").join("|")}|\n`);
process.stdout.write(`| ${columns.map((column) => String(result[column])).join(" | ")} |\n`);
const folder = resolve(values.out);
await mkdir(folder, { recursive: true });
const file = join(folder, `bench-${values.discover ? "discovery" : "users"}-${users}.json`);
await writeFile(file, `${JSON.stringify({ machine, command, date: new Date().toISOString(), results: [result] }, null, 2)}\n`);
process.stdout.write(`\nWrote ${file}\n`);
