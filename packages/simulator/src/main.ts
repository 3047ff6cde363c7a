import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { demoConfig } from "./demo.ts";
import { FAULT_KINDS, isFaultKind, randomFaults } from "./faults.ts";
import { startSimulator } from "./server.ts";

const HELP = `Usage: npm run simulator -- [options]

Starts the Partner API simulator on its own, to try the report's real-API path:
  npm run report -- --api-url <printed URL> --config <config file> (with the printed credentials)

Options:
  --port N              port to listen on. Default: 4010
  --host HOST           address to listen on. Default: 127.0.0.1
  --seed TEXT           seed of the generated sessions. Default: hems-reports-demo
  --wallboxes N         wallboxes in the demo config, and users in the org's users list. Default: 25
  --write-config FILE   write the demo org's wallbox config to FILE
  --latency-ms N        wait N ms before answering each request, as a distant server would. Default: 0
  --fault KIND          misbehave on a share of sessions requests, to see how a client copes:
${Object.entries(FAULT_KINDS)
  .map(([kind, what]) => `                          ${kind}: ${what}`)
  .join("\n")}
  --fault-rate R        the share of requests that get the fault, 0 to 1. Default: 0.1
  -h, --help            this text
`;

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(2);
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        port: { type: "string", default: "4010" },
        host: { type: "string", default: "127.0.0.1" },
        seed: { type: "string", default: "hems-reports-demo" },
        wallboxes: { type: "string", default: "25" },
        "write-config": { type: "string" },
        "latency-ms": { type: "string", default: "0" },
        fault: { type: "string" },
        "fault-rate": { type: "string", default: "0.1" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}. See --help.`);
  }
}

const values = parseCommandLine();
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const port = Number(values.port);
const wallboxes = Number(values.wallboxes);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be from 0 to 65535, not "${values.port}"`);
const faultRate = Number(values["fault-rate"]);
const latencyMs = Number(values["latency-ms"]);
if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 60_000)
  fail(`--latency-ms must be a whole number from 0 to 60000, not "${values["latency-ms"]}"`);
if (values.fault !== undefined && !isFaultKind(values.fault))
  fail(`--fault must be one of ${Object.keys(FAULT_KINDS).join(", ")}, not "${values.fault}"`);
if (!(faultRate >= 0 && faultRate <= 1)) fail(`--fault-rate must be a number from 0 to 1, not "${values["fault-rate"]}"`);
if (!Number.isInteger(wallboxes) || wallboxes < 1) fail(`--wallboxes must be a whole number from 1, not "${values.wallboxes}"`);

if (values["write-config"]) {
  await writeFile(values["write-config"], `${JSON.stringify(demoConfig(values.seed, wallboxes), null, 2)}\n`);
}
const fault = values.fault !== undefined && isFaultKind(values.fault) ? values.fault : undefined;
const simulator = await startSimulator({
  seed: values.seed,
  port,
  host: values.host,
  latencyMs,
  orgUsers: wallboxes,
  ...(fault ? { onSessionsRequest: randomFaults(fault, faultRate, values.seed) } : {}),
}).catch((error: Error) => fail(`cannot listen on ${values.host}:${port}: ${error.message}`));
process.stdout.write(
  [
    `Partner API simulator listening at ${simulator.url} (seed "${simulator.seed}")`,
    `Token endpoint: ${simulator.tokenUrl}`,
    `Client credentials: PODERO_CLIENT_ID=${simulator.credentials.clientId} PODERO_CLIENT_SECRET=${simulator.credentials.clientSecret}`,
    values["write-config"] ? `Wallbox config written to ${values["write-config"]}` : "Pass --write-config FILE for a matching wallbox config.",
    fault ? `Fault: ${fault} (${FAULT_KINDS[fault]}) on ${faultRate * 100}% of sessions requests` : "No faults (see --fault).",
    "Press Ctrl+C to stop.",
    "",
  ].join("\n"),
);
const stop = () => void simulator.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
