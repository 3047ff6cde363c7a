import { GetSecretValueCommand, type GetSecretValueCommandOutput, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AwsServiceError } from "../../../shared/errors/index.ts";
import type { SecretReader } from "../../credentials/index.ts";
import { CredentialsError } from "../../partner-api/index.ts";

/** Secrets Manager's answers that a retry cannot change: the secret, or the right to read it, is not there. */
const SECRET_REFUSALS = new Set([
  "AccessDeniedException",
  "ResourceNotFoundException",
  "DecryptionFailure",
  "InvalidRequestException",
  "InvalidParameterException",
]);

/** Reads a secret's text from AWS Secrets Manager; errors name the secret and the AWS error, never a value. */
export function secretsManagerReader(client: SecretsManagerClient, secretId: string): SecretReader {
  return async () => {
    let answer: GetSecretValueCommandOutput;
    try {
      answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    } catch (error) {
      const name = error instanceof Error ? error.name : "unknown error";
      // A fault of the service (500, throttling, a timeout, the network) may pass: retried, never the run's end.
      if (!SECRET_REFUSALS.has(name))
        throw new AwsServiceError(`cannot read secret ${secretId} just now (${name}): Secrets Manager may answer a retry`, { cause: error });
      const hint = name === "ResourceNotFoundException" ? ": it does not exist or has no value yet (see docs/operations.md, Deploy)" : "";
      throw new CredentialsError(`cannot read secret ${secretId} (${name})${hint}`, { cause: error });
    }
    if (!answer.SecretString) throw new CredentialsError(`secret ${secretId} has no text value: store the credentials as JSON text`);
    return answer.SecretString;
  };
}
