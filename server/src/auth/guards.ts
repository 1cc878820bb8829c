import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRegister, RegistersRepository } from '../registers/registers.repository';
import { HqError, unauthorized } from '../http/errors';
import { bearerToken, sameSecret } from './tokens';

export type Caller = { kind: 'admin' } | { kind: 'register'; register: AuthenticatedRegister };

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export interface Guards {
  register: (request: FastifyRequest) => Promise<void>;
  admin: (request: FastifyRequest) => Promise<void>;
  registerOrAdmin: (request: FastifyRequest) => Promise<void>;
}

/** onRequest hooks (before the body is read) that check `Authorization: Bearer` for a register's device token or the admin token. */
export function makeGuards(registers: RegistersRepository, adminToken: string | null): Guards {
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
  };
}

export function callerRegister(request: FastifyRequest): AuthenticatedRegister {
  if (request.caller?.kind !== 'register') throw new HqError(403, 'REGISTER_ONLY', 'Only an enrolled register can make this call.');
  return request.caller.register;
}
