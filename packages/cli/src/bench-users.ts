// `npm run bench:users -- --users N`: the memory and time of streaming an org's users list of N
// users through the Partner API client, as discovery (--wallboxes-from api) reads it, against the
// simulator in a process of its own (so only the client's memory is measured). Prints a table
// and writes bench/results/bench-users-N.json.
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { defaultHttp, PartnerApiClient, staticToken } from "@hems-reports/core/adapters/partner-api";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "1000000" },
    out: { type: "string", default: "bench/results" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  process.stdout.write("Usage: npm run bench:users -- [--users N (default 1000000)] [--out DIR (default bench/results)]\n");
  process.exit(0);
}
const users = Number(values.users);
if (!Number.isInteger(users) || users < 1 || users > 10_000_000) {
  process.stderr.write("bench:users: --users must be a whole number from 1 to 10000000\n");
  process.exit(2);
}

const child = spawn(
  process.execPath,
  ["--import", "tsx", "packages/simulator/src/main.ts", "--port", "0", "--seed", "users-bench", "--wallboxes", String(users)],
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
let listed = 0;
let declared = 0;
for await (const user of client.users("0b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a11")) {
  listed++;
  declared += user.numWallboxes;
}
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
child.kill();
const result = {
  users: listed,
  declaredWallboxes: declared,
  seconds: Number(seconds.toFixed(1)),
  usersPerSecond: Math.round(listed / seconds),
  peakRssMiB: Math.round(peak / 2 ** 20),
};
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
const command = `npm run bench:users -- ${process.argv.slice(2).join(" ")}`.trim();
const columns = Object.keys(result) as (keyof typeof result)[];
process.stdout.write(`Machine: ${machine}\nCommand: ${command}\n\n| ${columns.join(" | ")} |\n|${columns.map(() => "---:").join("|")}|\n`);
process.stdout.write(`| ${columns.map((column) => String(result[column])).join(" | ")} |\n`);
const folder = resolve(values.out);
await mkdir(folder, { recursive: true });
const file = join(folder, `bench-users-${users}.json`);
await writeFile(file, `${JSON.stringify({ machine, command, date: new Date().toISOString(), results: [result] }, null, 2)}\n`);
process.stdout.write(`\nWrote ${file}\n`);
