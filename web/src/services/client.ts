import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../api/generated-schema';
import { getSession, setSession } from '../auth/session.ts';

/**
 * The typed API client: paths and shapes come from the OpenAPI document the API serves
 * (generated into api/generated-schema.d.ts by npm run build:web), never written by hand.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const s = getSession();
    if (s) request.headers.set('authorization', `Bearer ${s.token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && getSession()) setSession(null);
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** Points the client at the API (config.json's apiUrl in AWS; this origin locally). */
export function setApiBase(url: string | undefined): void {
  apiBase = url ?? '';
}
let apiBase = '';
api.use({
  onRequest({ request }) {
    if (!apiBase) return request;
    const u = new URL(request.url);
    return new Request(`${apiBase.replace(/\/$/, '')}${u.pathname}${u.search}`, request);
  },
});

/** openapi-fetch's {data, error} → data, or an ApiError with the API's message. */
export async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p;
  if (response.ok) return data as T;
  const e = (error as { error?: { code?: string; message?: string; details?: { path: string; message: string }[] } } | undefined)?.error;
  throw new ApiError(response.status, e?.code ?? String(response.status), e?.message ?? response.statusText, e?.details ?? []);
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const detail = err.details.map((d) => `${d.path}: ${d.message}`).join('；');
    return `${err.message}${detail ? `（${detail}）` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}
