import { z } from "zod";
import { CredentialsError, HttpStatusError } from "./errors.ts";
import { type HttpAnswer, type HttpDeps, requestWithRetry, WaitBudget } from "./http.ts";

/** Where bearer tokens come from. `refresh` is called after a 401 with the token that was refused. */
export interface TokenSource {
  token(): Promise<string>;
  /** A fresh token to replace `refused`; throws `CredentialsError` when none can be had. */
  refresh(refused: string): Promise<string>;
}

/** A bearer token someone else keeps fresh (`PODERO_API_TOKEN`); a 401 means it is no good. */
export function staticToken(token: string, name = "the API token"): TokenSource {
  return {
    token: async () => token,
    refresh: async () => {
      throw new CredentialsError(`the Partner API refused ${name} (HTTP 401): it is wrong or has expired`);
    },
  };
}

const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
});

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

/** Tokens are renewed this long before they expire, so a request never starts with a dying token. */
const EXPIRY_MARGIN_MS = 60_000;
const DEFAULT_LIFETIME_S = 3600;

/**
 * OAuth2 client credentials as Podero documents them: `POST {tokenUrl}` with HTTP Basic auth and
 * `{"grant_type":"client_credentials"}`. One token is shared by every request until shortly before
 * it expires; concurrent callers wait for the same fetch. After a 401 it is fetched again once per
 * refused token.
 */
export function clientCredentialsToken(credentials: ClientCredentials, deps: HttpDeps, now = () => Date.now()): TokenSource {
  let current: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const fetchToken = (): Promise<string> => {
    inFlight ??= exchange(credentials, deps)
      .then(({ token, lifetimeS }) => {
        current = { token, renewAt: now() + Math.max(lifetimeS * 1000 - EXPIRY_MARGIN_MS, (lifetimeS * 1000) / 2) };
        return token;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    token: async () => (current && now() < current.renewAt ? current.token : fetchToken()),
    refresh: async (refused) => {
      if (current && current.token !== refused) return current.token;
      current = undefined;
      return fetchToken();
    },
  };
}

async function exchange(credentials: ClientCredentials, deps: HttpDeps): Promise<{ token: string; lifetimeS: number }> {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString("base64");
  let answer: HttpAnswer;
  try {
    // A token exchange waits for its own retries at most as long as one wallbox may.
    answer = await requestWithRetry(
      deps,
      `token request to ${credentials.tokenUrl}`,
      credentials.tokenUrl,
      () => ({
        method: "POST",
        headers: { authorization: `Basic ${basic}`, "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ grant_type: "client_credentials" }),
      }),
      new WaitBudget(deps.policy.maxWaitPerWallboxMs),
    );
  } catch (error) {
    if (error instanceof HttpStatusError) throw new CredentialsError(`could not get an API token: ${error.message}`, { cause: error });
    throw error;
  }
  if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
    throw new CredentialsError(
      `the token endpoint ${credentials.tokenUrl} refused the client credentials (HTTP ${answer.status}): check PODERO_CLIENT_ID and PODERO_CLIENT_SECRET`,
    );
  }
  if (answer.status < 200 || answer.status >= 300) {
    throw new CredentialsError(`the token endpoint ${credentials.tokenUrl} answered HTTP ${answer.status}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    body = undefined;
  }
  const parsed = tokenAnswerSchema.safeParse(body);
  if (!parsed.success) {
    throw new CredentialsError(`the token endpoint ${credentials.tokenUrl} answered without a usable access_token`);
  }
  return { token: parsed.data.access_token, lifetimeS: parsed.data.expires_in ?? DEFAULT_LIFETIME_S };
}
