/**
 * The origin (and any path prefix) in front of `/api/partners/v2.0`, so a URL given with or
 * without that path (the sandbox is documented with it) names the same API. No imports: infra
 * reads it too, to derive the default token URL.
 */
export function normalizeBaseUrl(text: string): string {
  const url = new URL(text);
  url.pathname = url.pathname.replace(/\/+$/, "").replace(/\/api\/partners\/v2\.0$/, "");
  url.search = "";
  url.hash = "";
  return url.toString().replace(/\/+$/, "");
}

/** Podero's OAuth2 token endpoint for an API origin, unless a stage or option names another. */
export function defaultTokenUrl(apiUrl: string): string {
  return `${normalizeBaseUrl(apiUrl)}/oauth2/token/`;
}
