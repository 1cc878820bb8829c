import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CONSOLE_COOKIE, CSRF_HEADER, type ConsoleRole, type ConsoleUser } from '../../../shared/hq/console';
import type { ConsoleUsersRepository } from '../console/console-users.repository';
import type { AuthenticatedRegister, RegistersRepository } from '../registers/registers.repository';
import { HqError, unauthorized } from '../http/errors';
import { bearerToken, sameSecret } from './tokens';

/** A signed-in console user and their session (the hash of the cookie's secret, and the session's CSRF token). */
export interface ConsoleCaller {
  kind: 'console';
  user: ConsoleUser;
  session: { idHash: string; csrf: string };
}

export type Caller = { kind: 'admin' } | { kind: 'register'; register: AuthenticatedRegister } | ConsoleCaller;

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export interface Guards {
  register: (request: FastifyRequest) => Promise<void>;
  admin: (request: FastifyRequest) => Promise<void>;
  registerOrAdmin: (request: FastifyRequest) => Promise<void>;
  /** A signed-in console user of one of `roles`; a change (anything but GET) must carry the session's CSRF token. */
  console: (roles: readonly ConsoleRole[]) => (request: FastifyRequest) => Promise<void>;
}

const ROLE_NAMES: Record<ConsoleRole, string> = { owner: 'owner', 'area-manager': 'area manager', 'store-manager': 'store manager' };

/** The value of one cookie of a Cookie header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim() || null;
  }
  return null;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** onRequest hooks (before the body is read) that check `Authorization: Bearer` for a register's device token or the admin token. */
export function makeGuards(registers: RegistersRepository, adminToken: string | null, consoleUsers?: ConsoleUsersRepository): Guards {
  const isAdmin = (token: string) => adminToken !== null && adminToken !== '' && sameSecret(token, adminToken);
  const adminMissing = 'This is an admin call: send Authorization: Bearer <HQ_ADMIN_TOKEN>' + (adminToken ? '.' : ' (this HQ has no HQ_ADMIN_TOKEN set, so admin calls are off).');
  return {
    async register(request) {
      const token = bearerToken(request.headers.authorization);
      if (!token) throw unauthorized('This call needs the register\'s device token: send Authorization: Bearer <token> (enrol with POST /registers/enrol to get one).');
      const register = await registers.byToken(token);
      if (!register) throw unauthorized('This device token is not known to HQ. Enrol the register again with its store\'s enrolment code.');
      request.caller = { kind: 'register', register };
    },
    async admin(request) {
      const token = bearerToken(request.headers.authorization);
      if (!token || !isAdmin(token)) throw unauthorized(adminMissing);
      request.caller = { kind: 'admin' };
    },
    async registerOrAdmin(request) {
      const token = bearerToken(request.headers.authorization);
      if (!token) throw unauthorized();
      if (isAdmin(token)) {
        request.caller = { kind: 'admin' };
        return;
      }
      const register = await registers.byToken(token);
      if (!register) throw unauthorized('This token is neither a known device token nor the admin token.');
      request.caller = { kind: 'register', register };
    },
    console: (roles) => async (request) => {
      const secret = cookieValue(request.headers.cookie, CONSOLE_COOKIE);
      const session = secret && consoleUsers ? await consoleUsers.session(secret) : null;
      if (!session) throw new HqError(401, 'SIGN_IN_NEEDED', 'Your console session has ended or you are not signed in. Sign in again.');
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        const given = request.headers[CSRF_HEADER];
        if (typeof given !== 'string' || !sameToken(given, session.csrf)) {
          throw new HqError(403, 'CSRF_TOKEN_INVALID', 'This change did not come from a console page of this session. Reload the console and try again.');
        }
      }
      if (!roles.includes(session.user.role)) {
        throw new HqError(403, 'FORBIDDEN', `A ${ROLE_NAMES[session.user.role]} cannot do this; ask ${roles.includes('owner') && roles.length === 1 ? 'an owner' : 'an owner or area manager'}.`);
      }
      request.caller = { kind: 'console', user: session.user, session: { idHash: session.idHash, csrf: session.csrf } };
    },
  };
}

export function callerRegister(request: FastifyRequest): AuthenticatedRegister {
  if (request.caller?.kind !== 'register') throw new HqError(403, 'REGISTER_ONLY', 'Only an enrolled register can make this call.');
  return request.caller.register;
}
