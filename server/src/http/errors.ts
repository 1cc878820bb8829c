import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** An answer HQ gives on purpose: an HTTP status, a stable code and a sentence for people. */
export class HqError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HqError';
  }
}

export const unauthorized = (message = 'This call needs a device token or the admin token: send Authorization: Bearer <token>.') =>
  new HqError(401, 'UNAUTHORIZED', message);

interface ZodIssueLike {
  path?: PropertyKey[];
  instancePath?: string;
  message?: string;
}

function describeIssues(issues: ZodIssueLike[], where: string): string {
  const parts = issues.slice(0, 5).map((issue) => {
    const at = issue.instancePath ? issue.instancePath.replace(/^\//, '').replaceAll('/', '.') : (issue.path ?? []).map(String).join('.');
    return `${at || where}: ${issue.message ?? 'is not valid'}`;
  });
  return parts.join('; ') + (issues.length > 5 ? `; and ${issues.length - 5} more` : '');
}

/** Seconds a register is told to wait before sending again to an HQ out of space (it backs off on its own as well). */
export const DISK_FULL_RETRY_AFTER_SECONDS = 60;

/**
 * HQ out of space: its own disk (SQLite's SQLITE_FULL, or ENOSPC / EDQUOT from a file write) is 507
 * Insufficient Storage; PostgreSQL's disk (SQLSTATE 53100 disk_full) is 503, the database being a service
 * HQ depends on. Null for any other error. Nothing of the request was kept: its transaction rolled back.
 */
export function outOfSpace(error: unknown): { statusCode: 503 | 507; message: string } | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return { statusCode: 507, message: "HQ's disk is full, so this request was not saved (nothing of it was kept). HQ's operator must free space on HQ's data folder; registers keep their operations and send them again." };
  }
  if (code === '53100') {
    return { statusCode: 503, message: "HQ's database server is out of disk space (PostgreSQL disk_full), so this request was not saved (nothing of it was kept). HQ's operator must free space on the database server; registers keep their operations and send them again." };
  }
  return null;
}

/** Every error leaves HQ as `{ error, message }` JSON with a 4xx or 5xx status. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HqError) {
      const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (error.statusCode === 429 && typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
      return reply.code(error.statusCode).send({ error: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      const issues = error.validation as unknown as ZodIssueLike[];
      return reply.code(400).send({ error: 'INVALID_INPUT', message: `The request's ${where} is not valid: ${describeIssues(issues, where)}. Nothing was changed.`, details: issues });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.code(400).send({ error: 'MALFORMED_JSON', message: `The request body is not valid JSON (${error.message}). Nothing was changed.` });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send({ error: 'BODY_TOO_LARGE', message: `The request body is larger than this endpoint accepts (${request.routeOptions.bodyLimit ?? 0} bytes). Nothing was changed; send it in smaller parts.` });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send({ error: 'UNSUPPORTED_MEDIA_TYPE', message: `This endpoint does not read ${request.headers['content-type'] ?? 'a body without a content type'}. Nothing was changed.` });
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return reply.code(400).send({ error: 'MALFORMED_BODY', message: 'The request body does not match its Content-Length. Nothing was changed.' });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: error.code ?? 'BAD_REQUEST', message: error.message });
    }
    const full = outOfSpace(error);
    if (full) {
      request.log.error({ err: error, statusCode: full.statusCode }, 'request failed: out of disk space');
      void reply.header('retry-after', String(DISK_FULL_RETRY_AFTER_SECONDS));
      return reply.code(full.statusCode).send({ error: 'DISK_FULL', message: full.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'INTERNAL', message: 'HQ could not finish this request because of an internal error; it is logged. Try again; operations are applied at most once.' });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'NOT_FOUND', message: `HQ has no ${request.method} ${request.url.split('?')[0]}. The endpoints are listed at /docs/json.` });
  });
}
