import { z } from "zod";
import { CredentialsError } from "../partner-api/index.ts";

/**
 * The Partner API credentials as kept in AWS Secrets Manager: a bearer token someone else keeps
 * fresh, or OAuth2 client credentials. Errors name the keys, never their values.
 */
export const apiCredentialsSchema = z.union([
  z.object({ token: z.string().trim().min(1) }).transform((secret) => ({ kind: "token" as const, token: secret.token })),
  z
    .object({ clientId: z.string().trim().min(1), clientSecret: z.string().trim().min(1) })
    .transform((secret) => ({ kind: "client" as const, clientId: secret.clientId, clientSecret: secret.clientSecret })),
]);
/** The one shape of Partner API credentials, wherever they come from (a secret, the environment). */
export type ApiCredentials = z.output<typeof apiCredentialsSchema>;

const secretShape = z.record(z.string(), z.unknown());

/** Parses the secret's text; `name` says which secret in errors (an ARN or a name, not a value). */
export function parseApiSecret(text: string, name: string): ApiCredentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CredentialsError(`secret ${name} is not JSON: store {"token": "…"} or {"clientId": "…", "clientSecret": "…"}`);
  }
  const shape = secretShape.safeParse(value);
  if (!shape.success) {
    throw new CredentialsError(`secret ${name} is not a JSON object: store {"token": "…"} or {"clientId": "…", "clientSecret": "…"}`);
  }
  const parsed = apiCredentialsSchema.safeParse(shape.data);
  if (parsed.success) return parsed.data;
  throw new CredentialsError(`secret ${name} ${describeProblem(shape.data)}`);
}

const isFilled = (value: unknown) => typeof value === "string" && value.trim() !== "";

function describeProblem(fields: Record<string, unknown>): string {
  const present = (key: string) => key in fields;
  if (present("token")) return `has an empty or non-string "token"`;
  if (present("clientId") || present("clientSecret")) {
    const missing = ["clientId", "clientSecret"].filter((key) => !isFilled(fields[key]));
    return `is missing ${missing.map((key) => `"${key}"`).join(" and ")} (client credentials need both, as non-empty strings)`;
  }
  const keys = Object.keys(fields);
  return `has neither "token" nor "clientId" and "clientSecret"${keys.length ? ` (it has ${keys.map((key) => `"${key}"`).join(", ")})` : " (it is empty)"}`;
}
