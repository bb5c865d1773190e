/** The collector's two live URLs for one app (or one page of it). */
export interface ActiveUsersEndpoints {
  /** `GET /v1/active`: one JSON answer, used for polling and to learn why a stream was refused. */
  snapshot: string;
  /** `GET /v1/active/stream`: Server-Sent Events. */
  stream: string;
}

/** An empty `host` means the page's own origin; a `path` counts only the visitors whose latest page it is. */
export function activeUsersEndpoints(host: string, writeKey: string, path?: string | null): ActiveUsersEndpoints {
  const base = host.replace(/\/+$/, '');
  const query = `?writeKey=${encodeURIComponent(writeKey)}${path ? `&path=${encodeURIComponent(path)}` : ''}`;
  return { snapshot: `${base}/v1/active${query}`, stream: `${base}/v1/active/stream${query}` };
}
