import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CredentialsError, PartnerApiClient, staticToken } from "@hems-reports/core/adapters/partner-api";
import type { OrgUser } from "@hems-reports/core/domain/org";
import { WallboxReadError } from "@hems-reports/core/domain/sessions";
import { DiscoveryError } from "@hems-reports/core/shared/errors";
import { type Simulator, simulatedUser, startSimulator, USER_TRAPS } from "@hems-reports/simulator";
import { afterEach, describe, expect, it } from "vitest";
import { clientFor, fastHttp, ORG_ID } from "../support/api.ts";

/** The org's users and their wallboxes through the Partner API client, against the simulator and against servers that misbehave. */
let simulator: Simulator | undefined;
const servers: { close(): void }[] = [];
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
  for (const server of servers.splice(0)) server.close();
});

async function collect(users: AsyncIterable<OrgUser>): Promise<OrgUser[]> {
  const all: OrgUser[] = [];
  for await (const user of users) all.push(user);
  return all;
}

/** A server on a free loopback port answering every request with `answer`. */
async function serverAnswering(answer: (response: import("node:http").ServerResponse) => void) {
  const server = createServer((_request, response) => answer(response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({ close: () => server.close() });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return new PartnerApiClient({ baseUrl: url, tokens: staticToken("token"), http: fastHttp() });
}

describe("the organisation's users and wallboxes", () => {
  it("lists the users as the list arrives, keeping their external ids and counts but no personal data", async () => {
    simulator = await startSimulator({ seed: "org", orgUsers: 60 });
    const users = await collect(clientFor(simulator).users(ORG_ID));
    expect(users).toHaveLength(60);
    expect(users[0]).toEqual({ userId: simulatedUser("org", 0).id, externalUserId: "CUST-100000", numWallboxes: 1 });
    expect(users[4]!.externalUserId).toBeNull(); // USER_TRAPS.noExternalId(4)
    expect(USER_TRAPS.noExternalId(4)).toBe(true);
    expect(Object.keys(users[0]!).sort()).toEqual(["externalUserId", "numWallboxes", "userId"]);
  });

  it("lists a user's wallboxes with their external ids, makers and models, a deleted one marked", async () => {
    simulator = await startSimulator({ seed: "org", orgUsers: 20 });
    const six = simulatedUser("org", 6);
    const wallboxes = await clientFor(simulator).userWallboxes(ORG_ID, six.id);
    expect(wallboxes).toEqual(
      six.wallboxes.map((wallbox) => ({
        wallboxId: wallbox.id,
        userId: six.id,
        externalDeviceId: wallbox.externalDeviceId,
        manufacturer: wallbox.manufacturer,
        model: wallbox.model,
        deleted: wallbox.deleted,
      })),
    );
    expect(wallboxes.map((wallbox) => wallbox.deleted)).toEqual([false, true]);
  });

  it("stops with the reason when the list breaks off, is refused, or is not a list; fails only the user whose wallbox list is not one", async () => {
    const cut = await serverAnswering((response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write(`[${JSON.stringify({ id: simulatedUser("x", 0).id, num_wallboxes: 1, external_user_id: null })},{"id":`);
      setTimeout(() => response.destroy(), 20);
    });
    await expect(collect(cut.users(ORG_ID))).rejects.toThrow(/the users list broke off after 1 users/);
    await expect(collect(cut.users(ORG_ID))).rejects.toBeInstanceOf(DiscoveryError);
    const refused = await serverAnswering((response) => {
      response.writeHead(403, { "content-type": "application/json" });
      response.end('{"detail":"forbidden"}');
    });
    await expect(collect(refused.users(ORG_ID))).rejects.toBeInstanceOf(CredentialsError);
    const object = await serverAnswering((response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"results": []}');
    });
    await expect(collect(object.users(ORG_ID))).rejects.toThrow(/the answer is not a JSON array/);
    const error = await object.userWallboxes(ORG_ID, simulatedUser("x", 0).id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WallboxReadError);
    expect((error as Error).message).toMatch(/not a list of wallboxes \(the endpoint's shape is inferred: check it\)/);
  });

  it("goes on without the API's name for the organisation when its endpoint answers 404", async () => {
    const missing = await serverAnswering((response) => {
      response.writeHead(404, { "content-type": "application/json" });
      response.end('{"detail":"Not Found"}');
    });
    expect(await missing.organization(ORG_ID)).toBeUndefined();
    simulator = await startSimulator({ seed: "org", orgName: "Stadtwerke Beispiel" });
    expect(await clientFor(simulator).organization(ORG_ID)).toMatchObject({ name: "Stadtwerke Beispiel" });
  });
});
