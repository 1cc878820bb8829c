/**
 * The console's calls to HQ's console API. Every answer is checked against its schema from
 * `shared/hq/console.ts` before a page reads it; every change sends the session's CSRF token. HQ's errors
 * are `{ error, message }` with a sentence for people, which the pages show as they are.
 */
import { z } from 'zod';
import { CSRF_HEADER } from '../../shared/hq/console';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ErrorBodySchema = z.object({ error: z.string(), message: z.string() });

let csrf: string | null = null;
/** The CSRF token of the signed-in session (from the session or sign-in answer). */
export function setCsrf(token: string | null): void {
  csrf = token;
}

let onSignedOut: (() => void) | null = null;
/** Called when HQ answers 401: the session ended (signed out elsewhere, expired), so the app shows sign-in. */
export function whenSignedOut(listener: (() => void) | null): void {
  onSignedOut = listener;
}

export type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

interface CallOptions {
  query?: Query;
  /** A JSON body (changes), or a file's text with its own type (the catalog import). */
  body?: unknown;
  raw?: { text: string; type: string };
}

export async function call<S extends z.ZodType>(schema: S, method: 'GET' | 'POST', path: string, options: CallOptions = {}): Promise<z.infer<S>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (options.raw) {
    headers['content-type'] = options.raw.type;
    body = options.raw.text;
  } else if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body ?? {});
  }
  if (method !== 'GET' && csrf) headers[CSRF_HEADER] = csrf;
  let response: Response;
  try {
    response = await fetch(withQuery(`/console/api${path}`, options.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', '');
  }
  const text = await response.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!response.ok) {
    const parsed = ErrorBodySchema.safeParse(json);
    if (response.status === 401 && path !== '/sign-in' && path !== '/setup') onSignedOut?.();
    throw new ApiError(response.status, parsed.success ? parsed.data.error : `HTTP_${response.status}`, parsed.success ? parsed.data.message : '');
  }
  if (response.status === 204) return undefined as z.infer<S>;
  const checked = schema.safeParse(json);
  // An answer that does not match its schema is a version mismatch between the console and HQ, not data to show.
  if (!checked.success) throw new ApiError(response.status, 'BAD_ANSWER', '');
  return checked.data;
}

/** The link of a CSV export (a plain GET with the session cookie, so the browser downloads it). */
export const exportLink = (report: string, query: Query) => withQuery(`/console/api/export/${report}`, query);
