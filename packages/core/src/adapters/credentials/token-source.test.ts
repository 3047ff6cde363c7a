import { describe, expect, it } from "vitest";
import { CredentialsError, DEFAULT_RETRY_POLICY, undiciSend } from "../partner-api/index.ts";
import { cached } from "./cache.ts";
import { parseApiSecret } from "./secret.ts";
import { secretTokenSource } from "./token-source.ts";

const http = { send: undiciSend, policy: DEFAULT_RETRY_POLICY, random: Math.random };

function fixture(initial: string) {
  let text = initial;
  let reads = 0;
  const secret = cached(async () => {
    reads++;
    return parseApiSecret(text, "test-secret");
  }, 300_000);
  return {
    source: secretTokenSource(secret, "http://127.0.0.1:9/oauth2/token/", http),
    setSecret: (next: string) => {
      text = next;
    },
    reads: () => reads,
  };
}

describe("tokens from a secret", () => {
  it("uses the secret's bearer token, and a rotated one after a 401", async () => {
    const { source, setSecret, reads } = fixture(JSON.stringify({ token: "old" }));
    expect(await source.token()).toBe("old");
    setSecret(JSON.stringify({ token: "new" }));
    expect(await source.token()).toBe("old"); // cached until it is refused or too old
    const renewed = await Promise.all([source.refresh("old"), source.refresh("old"), source.refresh("old")]);
    expect(renewed).toEqual(["new", "new", "new"]);
    expect(reads()).toBe(2);
  });

  it("reads the secret again on the next 401 after a failed renewal, so a fixed secret is picked up at once", async () => {
    const { source, setSecret, reads } = fixture(JSON.stringify({ token: "bad" }));
    await source.token();
    await expect(source.refresh("bad")).rejects.toThrow(CredentialsError);
    setSecret(JSON.stringify({ token: "fixed" }));
    expect(await source.refresh("bad")).toBe("fixed");
    expect(reads()).toBe(3);
  });
});
