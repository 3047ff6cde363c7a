import type { HttpDeps } from "../partner-api/index.ts";
import { CredentialsError, clientCredentialsToken, staticToken, type TokenSource } from "../partner-api/index.ts";
import type { CachedValue } from "./cache.ts";
import type { ApiCredentials } from "./secret.ts";

/**
 * Tokens from fixed credentials: a bearer token as it is (`name` says where it came from in the
 * error when it is refused), or client credentials exchanged at `tokenUrl`.
 */
export function credentialsTokenSource(credentials: ApiCredentials, tokenUrl: string, http: HttpDeps, name: string): TokenSource {
  return credentials.kind === "token"
    ? staticToken(credentials.token, name)
    : clientCredentialsToken({ tokenUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret }, http);
}

/**
 * Tokens from credentials kept in a secret. After a 401 the secret is read again, because the
 * usual cause is a rotation: a new token, or new client credentials, is then used at once.
 */
export function secretTokenSource(secret: CachedValue<ApiCredentials>, tokenUrl: string, http: HttpDeps): TokenSource {
  const exchanges = new Map<string, TokenSource>();
  const exchangeFor = (credentials: Extract<ApiCredentials, { kind: "client" }>) => {
    const key = `${credentials.clientId}\u0000${credentials.clientSecret}`;
    let source = exchanges.get(key);
    if (!source) {
      source = clientCredentialsToken({ tokenUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret }, http);
      exchanges.clear();
      exchanges.set(key, source);
    }
    return source;
  };
  const renew = async (refused: string) => {
    const current = await secret.reload();
    if (current.kind === "client") return exchangeFor(current).refresh(refused);
    if (current.token !== refused) return current.token;
    throw new CredentialsError("the Partner API refused the token in the secret (HTTP 401): it is wrong or has expired; store a fresh one");
  };
  // Every request that met the same refused token shares one renewal: one secret read, one exchange.
  let renewal: { refused: string; token: Promise<string> } | undefined;
  return {
    async token() {
      const current = await secret.get();
      return current.kind === "token" ? current.token : exchangeFor(current).token();
    },
    refresh(refused) {
      if (renewal?.refused !== refused) {
        const current = { refused, token: renew(refused) };
        renewal = current;
        // A failed renewal is not kept: once the operator fixes the secret, the next 401 reads it again.
        current.token.catch(() => {
          if (renewal === current) renewal = undefined;
        });
      }
      return renewal.token;
    },
  };
}
