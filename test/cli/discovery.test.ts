import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { MonthlyReport } from "@hems-reports/core/domain/report";
import { simulatedUser, USER_TRAPS } from "@hems-reports/simulator";
import { describe, expect, it } from "vitest";
import { runCli, useCliFixture } from "../support/cli.ts";

/** `--wallboxes-from api`: the run's wallboxes are every wallbox of the org, found through the Partner API. */
const { out } = useCliFixture();
const SEED = "hems-reports-demo";

describe("npm run report --wallboxes-from api", () => {
  it("reports every wallbox the org's users have, deleted ones left out, and writes the list it used beside the report", async () => {
    const run = await runCli(["--wallboxes-from", "api", "--wallboxes", "30", "--month", "2026-10", "--out", out.path]);
    expect(run.code).toBe(0);
    const users = Array.from({ length: 30 }, (_, index) => simulatedUser(SEED, index));
    const live = users.flatMap((user) => user.wallboxes.filter((wallbox) => !wallbox.deleted).map((wallbox) => ({ user, wallbox })));
    const deleted = users.flatMap((user) => user.wallboxes.filter((wallbox) => wallbox.deleted));
    expect(deleted.length).toBeGreaterThan(0);
    expect(run.text).toContain(`Found ${live.length} wallboxes of 30 users with wallboxes (30 users); ${deleted.length} deleted, left out`);

    const lines = (await readFile(join(out.path, "wallboxes-2026-10.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ orgId: expect.any(String) });
    expect(lines.slice(1).map((line) => line.wallboxId)).toEqual(live.map(({ wallbox }) => wallbox.id));
    // What finance reconciles by travels with each wallbox; nothing personal does.
    expect(lines[1]).toEqual({
      userId: users[0]!.id,
      wallboxId: users[0]!.wallboxes[0]!.id,
      externalUserId: "CUST-100000",
      externalDeviceId: users[0]!.wallboxes[0]!.externalDeviceId,
      manufacturer: users[0]!.wallboxes[0]!.manufacturer,
      model: users[0]!.wallboxes[0]!.model,
    });
    expect(lines.filter((line) => line.userId === users[4]!.id)[0]).not.toHaveProperty("externalUserId");
    expect(USER_TRAPS.noExternalId(4)).toBe(true);
    const text = await readFile(join(out.path, "wallboxes-2026-10.jsonl"), "utf8");
    expect(text).not.toMatch(/@example\.com|Demo Street|Customer \d/);

    const report = JSON.parse(await readFile(join(out.path, "hems-savings-2026-10.json"), "utf8")) as MonthlyReport;
    expect(report.wallboxes.map((wallbox) => wallbox.wallboxId)).toEqual(live.map(({ wallbox }) => wallbox.id));
    expect(report.wallboxes.some((wallbox) => deleted.some((gone) => gone.id === wallbox.wallboxId))).toBe(false);

    // The run can be repeated from its own input: the same report.
    const again = await runCli(["--config", join(out.path, "wallboxes-2026-10.jsonl"), "--month", "2026-10", "--out", join(out.path, "again")]);
    expect(again.code).toBe(0);
    const strip = (json: string) => json.replace(/"generatedAt": "[^"]+"/, "");
    expect(strip(await readFile(join(out.path, "again", "hems-savings-2026-10.json"), "utf8"))).toBe(
      strip(await readFile(join(out.path, "hems-savings-2026-10.json"), "utf8")),
    );
  });

  it("refuses a run that names its wallboxes twice, or does not say which org to list", async () => {
    const twice = await runCli(["--wallboxes-from", "api", "--config", "x.json", "--out", out.path]);
    expect([twice.code, twice.text]).toEqual([2, expect.stringContaining("--config and --wallboxes-from api name the wallboxes twice")]);
    const noOrg = await runCli(["--wallboxes-from", "api", "--api-url", "https://sandbox-app.podero.com", "--out", out.path]);
    expect([noOrg.code, noOrg.text]).toEqual([2, expect.stringContaining("--org-id is required with --wallboxes-from api and --api-url")]);
    expect(await out.files()).toEqual([]);
  });
});
