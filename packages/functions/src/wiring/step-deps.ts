import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AWS_CLIENT_TIMEOUTS } from "@hems-reports/core/adapters/aws/clients";
import { cloudFrontLinkSigner } from "@hems-reports/core/adapters/aws/cloudfront";
import { secretsManagerReader } from "@hems-reports/core/adapters/aws/secrets";
import { sesEmailSender } from "@hems-reports/core/adapters/aws/ses";
import { cached, parseApiSecret, type SecretReader, secretTokenSource } from "@hems-reports/core/adapters/credentials";
import { createFileSpool } from "@hems-reports/core/adapters/local/spool";
import { CredentialsError, defaultHttp, type HttpDeps, PartnerApiClient, type TokenSource } from "@hems-reports/core/adapters/partner-api";
import type { FinanceDelivery, ReadDeps } from "@hems-reports/core/cloud";
import type { EmailSender } from "@hems-reports/core/ports";
import { buildTriggerDeps, productionTriggerDeps, type TriggerDeps, type TriggerDepsParts } from "./trigger-deps.ts";

/** Everything the functions that run reports touch outside themselves. Production builds it from the linked resources; tests pass their own parts. */
export interface StepDeps extends TriggerDeps {
  http: HttpDeps;
  tokens: TokenSource;
  concurrency: number;
  /** The most wallboxes one shard reads (a user's wallboxes stay together). */
  shardSize: number;
  /** The most sessions one CSV part of the session detail holds. */
  csvRowsPerPart: number;
  /** The finance email, where recipients are configured. */
  finance?: FinanceDelivery;
  /** What a shard reads with: the Partner API (its requests end when `deadline` aborts), a spool file in /tmp. */
  readDeps(deadline: AbortSignal): ReadDeps;
}

/** A warm container reuses the secret this long; a 401 reads it again at once. */
export const SECRET_MAX_AGE_MS = 5 * 60_000;
export const DEFAULT_CONCURRENCY = 8;
/** About 92,000 sessions a shard at 46 a wallbox: minutes of reading, well inside one invocation. */
export const DEFAULT_SHARD_SIZE = 2_000;

export interface StepDepsParts extends TriggerDepsParts {
  /** Sends the finance email (SES in production). */
  emailSender?: EmailSender;
  /** Reads the signed links' private key (Secrets Manager in production). */
  readLinksKey?: SecretReader;
  readSecret: SecretReader;
  http?: Partial<HttpDeps>;
  concurrency?: number;
  shardSize?: number;
}

function reportParts(base: TriggerDeps, parts: Omit<StepDepsParts, keyof TriggerDepsParts>): StepDeps {
  const http: HttpDeps = { ...defaultHttp(), ...parts.http };
  const secretName = base.settings.secretArn ?? "(not linked)";
  const secret = cached(async () => parseApiSecret(await parts.readSecret(), secretName), SECRET_MAX_AGE_MS);
  const tokens = secretTokenSource(secret, base.settings.tokenUrl, http);
  const concurrency = parts.concurrency ?? base.settings.concurrency ?? DEFAULT_CONCURRENCY;
  return {
    ...base,
    http,
    tokens,
    concurrency,
    shardSize: parts.shardSize ?? base.settings.shardSize ?? DEFAULT_SHARD_SIZE,
    csvRowsPerPart: base.settings.csvRowsPerPart,
    finance: financeDelivery(base, parts),
    readDeps: (deadline) => ({
      reader: new PartnerApiClient({ baseUrl: base.settings.apiUrl, tokens, http: { ...http, signal: deadline } }),
      openSpool: () => createFileSpool(),
      concurrency,
      deadline,
    }),
  };
}

/** The finance email's wiring: only where recipients and a sender identity are configured. */
function financeDelivery(base: TriggerDeps, parts: Pick<StepDepsParts, "emailSender" | "readLinksKey">): FinanceDelivery | undefined {
  const { financeRecipients, emailFrom, orgLabel, linksDomain, linksKeyPairId, linksKeySecretArn } = base.settings;
  if (financeRecipients.length === 0 || !emailFrom) return undefined;
  const readKey =
    parts.readLinksKey ?? (linksKeySecretArn ? secretsManagerReader(new SecretsManagerClient(AWS_CLIENT_TIMEOUTS), linksKeySecretArn) : undefined);
  const key = readKey && cached(readKey, SECRET_MAX_AGE_MS);
  const privateKey = key && (() => key.get());
  return {
    recipients: financeRecipients,
    from: emailFrom,
    ...(orgLabel ? { orgLabel } : {}),
    sender: parts.emailSender ?? sesEmailSender(),
    ...(linksDomain && linksKeyPairId && privateKey
      ? { links: cloudFrontLinkSigner({ domain: linksDomain, keyPairId: linksKeyPairId, privateKey, now: base.now }) }
      : {}),
  };
}

export function buildStepDeps(parts: StepDepsParts): StepDeps {
  return reportParts(buildTriggerDeps(parts), parts);
}

let production: StepDeps | undefined;

/** Built once per container, on first use, so clients, the secret and the API token are reused while warm. */
export function productionStepDeps(): StepDeps {
  if (production) return production;
  const base = productionTriggerDeps();
  const { secretArn } = base.settings;
  production = reportParts(base, {
    readSecret: secretArn
      ? secretsManagerReader(new SecretsManagerClient(AWS_CLIENT_TIMEOUTS), secretArn)
      : async () => {
          throw new CredentialsError("this function is not linked to PoderoApiSecret (see infra/report.ts)");
        },
  });
  return production;
}
