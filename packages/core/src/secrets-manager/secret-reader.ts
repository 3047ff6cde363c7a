import { GetSecretValueCommand, type GetSecretValueCommandOutput, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SecretReader } from "../credentials/index.ts";
import { CredentialsError } from "../partner-api/errors.ts";

/** Reads a secret's text from AWS Secrets Manager; errors name the secret and the AWS error, never a value. */
export function secretsManagerReader(client: SecretsManagerClient, secretId: string): SecretReader {
  return async () => {
    let answer: GetSecretValueCommandOutput;
    try {
      answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    } catch (error) {
      const name = error instanceof Error ? error.name : "unknown error";
      const hint = name === "ResourceNotFoundException" ? ": it does not exist or has no value yet (see README, Deploy)" : "";
      throw new CredentialsError(`cannot read secret ${secretId} (${name})${hint}`, { cause: error });
    }
    if (!answer.SecretString) throw new CredentialsError(`secret ${secretId} has no text value: store the credentials as JSON text`);
    return answer.SecretString;
  };
}
