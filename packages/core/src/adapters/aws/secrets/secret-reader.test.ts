import { InternalServiceError, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { cached } from "../../credentials/index.ts";
import { secretsManagerReader } from "./secret-reader.ts";

const ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:podero-AbCdEf";

/** The production client, answered in process: Secrets Manager itself cannot run here. */
function clientAnswering(answer: () => unknown): { client: SecretsManagerClient; requests: Array<Record<string, unknown>> } {
  const requests: Array<Record<string, unknown>> = [];
  const client = new SecretsManagerClient({ region: "eu-central-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  client.middlewareStack.add(
    () => async (args) => {
      requests.push(args.input as Record<string, unknown>);
      return { output: { $metadata: {}, ...(answer() as object) }, response: {} };
    },
    { step: "initialize", name: "answerInProcess" },
  );
  return { client, requests };
}

describe("Secrets Manager reader", () => {
  it("reads the secret's text by its ARN", async () => {
    const { client, requests } = clientAnswering(() => ({ SecretString: '{"token":"t"}' }));
    expect(await secretsManagerReader(client, ARN)()).toBe('{"token":"t"}');
    expect(requests).toEqual([{ SecretId: ARN }]);
  });

  it("says what to do when the secret does not exist or has no value, naming it", async () => {
    const missing = clientAnswering(() => {
      throw new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value", $metadata: {} });
    });
    await expect(secretsManagerReader(missing.client, ARN)()).rejects.toThrow(
      `cannot read secret ${ARN} (ResourceNotFoundException): it does not exist or has no value yet (see docs/operations.md, Deploy)`,
    );
    const binary = clientAnswering(() => ({ SecretBinary: new Uint8Array([1, 2]) }));
    await expect(secretsManagerReader(binary.client, ARN)()).rejects.toThrow(`secret ${ARN} has no text value`);
  });

  it("tells a fault of the service (retried by the workflow) from a refusal (the run's end)", async () => {
    const busy = clientAnswering(() => {
      throw new InternalServiceError({ message: "internal", $metadata: {} });
    });
    await expect(secretsManagerReader(busy.client, ARN)()).rejects.toMatchObject({
      name: "AwsServiceError",
      message: `cannot read secret ${ARN} just now (InternalServiceError): Secrets Manager may answer a retry`,
    });
    const denied = clientAnswering(() => {
      throw Object.assign(new Error("not authorized"), { name: "AccessDeniedException" });
    });
    await expect(secretsManagerReader(denied.client, ARN)()).rejects.toMatchObject({ name: "CredentialsError" });
  });
});

describe("cached secret", () => {
  it("is read again once older than its max age, and after a failed read", async () => {
    let clock = 0;
    let reads = 0;
    let fail = false;
    const value = cached(
      async () => {
        reads++;
        if (fail) throw new Error("throttled");
        return reads;
      },
      1000,
      () => clock,
    );
    expect(await value.get()).toBe(1);
    clock = 999;
    expect(await value.get()).toBe(1);
    clock = 1000;
    fail = true;
    await expect(value.get()).rejects.toThrow("throttled");
    fail = false;
    expect(await value.get()).toBe(3);
    expect(await Promise.all([value.reload(), value.reload()])).toEqual([4, 4]);
  });
});
