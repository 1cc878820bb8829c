import { z } from 'zod';
import { UserSchema } from '../../../shared/api';
import { EnrolRequestSchema, EnrolResponseSchema, LoginRequestSchema, LoginResponseSchema, StoreSchema } from '../../../shared/hq/auth';
import { CurrencySchema, HqErrorSchema } from '../../../shared/hq/common';
import { callerRegister } from '../auth/guards';
import { bearerToken, hashSecret } from '../auth/tokens';
import type { HqApp, HqContext } from '../context';
import { HqError } from '../http/errors';

const storeCode = z.string().regex(/^[A-Za-z0-9]{1,12}$/, 'must be 1 to 12 letters or digits (no hyphen)');

/** How many registers a code may enrol (null: any number); one by default, so a code that leaks after use is worthless. */
const maxUses = z.number().int().min(1).max(10_000).nullable().default(1);
const ttlSeconds = z.number().int().min(60).max(366 * 86_400);

const EnrolmentCodeRequestSchema = z
  .object({ maxUses, ttlSeconds: ttlSeconds.optional(), expiresAt: z.string().datetime({ offset: true }).optional() })
  .strict()
  .refine((b) => b.ttlSeconds === undefined || b.expiresAt === undefined, { message: 'give at most one of "ttlSeconds" or "expiresAt"' });

const EnrolmentCodeResponseSchema = z.object({ code: z.string(), storeId: z.string(), maxUses: z.number().int().nullable(), expiresAt: z.string().nullable() });

function expiryOf(body: { ttlSeconds?: number; expiresAt?: string }, now: number): number | null {
  if (body.ttlSeconds !== undefined) return now + body.ttlSeconds * 1000;
  if (body.expiresAt === undefined) return null;
  const at = Date.parse(body.expiresAt);
  if (at <= now) throw new HqError(400, 'INVALID_INPUT', `expiresAt ${body.expiresAt} is already past; give a time in the future. Nothing was changed.`);
  return at;
}

export function registerRoutes(app: HqApp, ctx: HqContext): void {
  app.post(
    '/registers/enrol',
    {
      config: { access: { public: "the store's enrolment code is the credential" } },
      schema: {
        summary: "Enrols a register with its store's enrolment code; answers its device token (shown once, stored hashed).",
        tags: ['registers'],
        body: EnrolRequestSchema,
        response: { 201: EnrolResponseSchema, 403: HqErrorSchema, 409: HqErrorSchema, 410: HqErrorSchema, 429: HqErrorSchema },
      },
    },
    async (request, reply) => {
      // request.ip is the client's own address unless HQ_TRUST_PROXY declares the proxy in front of HQ.
      const keys = [request.ip];
      ctx.limits.enrol.take(keys, 'enrolment codes');
      const { register, token, store } = await ctx.registers.enrol(request.body.code, { registerCode: request.body.registerCode, name: request.body.name });
      ctx.limits.enrol.giveBack(keys);
      request.log.info({ registerId: register.id, store: store.code, register: register.code }, 'register enrolled');
      return reply.code(201).send({ registerId: register.id, registerCode: register.code, token, store, cardKey: ctx.cardKey.publicKey });
    },
  );

  app.post(
    '/auth/login',
    {
      config: { access: { caller: 'register', ids: [] } },
      schema: {
        summary: "Checks a PIN online for the register's store; answers the user and the PIN hash the register caches for offline login.",
        tags: ['auth'],
        body: LoginRequestSchema,
        response: { 200: LoginResponseSchema, 401: HqErrorSchema, 429: HqErrorSchema },
      },
    },
    async (request) => {
      const register = callerRegister(request);
      const { userId } = request.body;
      const keys = userId ? [`register:${register.id}`, `user:${userId}`] : [`register:${register.id}`];
      // Taken before the PIN is checked, so PINs sent at the same time cannot all get past the limit.
      ctx.limits.login.take(keys, 'PINs');
      const user = await ctx.limits.pinChecks.run(keys, () => ctx.users.checkPin(register.storeId, request.body.pin, userId));
      if (!user) throw new HqError(401, 'WRONG_PIN', 'That PIN is not right. Try again, or ask a manager.');
      ctx.limits.login.giveBack(keys);
      return { user: { id: user.id, name: user.name, role: user.role }, pinHash: user.pinHash };
    },
  );

  app.get(
    '/registers',
    { config: { access: { caller: 'admin' } }, schema: { summary: 'The enrolled registers (admin).', tags: ['admin'], response: { 200: z.object({ registers: z.array(z.unknown()) }) } } },
    async () => ({ registers: await ctx.registers.list() }),
  );

  app.delete(
    '/registers/:registerId',
    {
      config: { access: { caller: 'admin' } },
      schema: {
        summary: "Revokes a register's device token (admin): HQ answers it 401 REGISTER_REVOKED from then on, and the register stops syncing until it is enrolled again.",
        tags: ['admin'],
        params: z.object({ registerId: z.string().min(1).max(64) }),
        response: { 204: z.null(), 404: HqErrorSchema },
      },
    },
    async (request, reply) => {
      const revoked = await ctx.registers.revoke(request.params.registerId);
      if (!revoked) throw new HqError(404, 'UNKNOWN_REGISTER', `HQ has no register ${request.params.registerId}.`);
      // Its open realtime streams end too: they were authenticated when they opened, not per change.
      for (const stream of ctx.streams) {
        const token = bearerToken(stream.req?.headers.authorization);
        if (token && hashSecret(token) === revoked.tokenHash) stream.end();
      }
      request.log.info({ registerId: request.params.registerId }, 'register revoked');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/stores/:storeId/enrolment-codes',
    {
      config: { access: { caller: 'admin' } },
      schema: {
        summary: 'Makes a new enrolment code for a store (admin): one register by default (maxUses, null for any number), valid until expiresAt or for ttlSeconds (default: no expiry). The code is shown once.',
        tags: ['admin'],
        params: z.object({ storeId: z.string().min(1).max(64) }),
        body: EnrolmentCodeRequestSchema,
        response: { 201: EnrolmentCodeResponseSchema, 400: HqErrorSchema, 404: HqErrorSchema },
      },
    },
    async (request, reply) => {
      const limits = { maxUses: request.body.maxUses, expiresAt: expiryOf(request.body, Date.now()) };
      const issued = await ctx.registers.issueEnrolmentCode(request.params.storeId, limits);
      if (!issued) throw new HqError(404, 'UNKNOWN_STORE', `HQ has no store ${request.params.storeId}.`);
      return reply.code(201).send({ ...issued, expiresAt: issued.expiresAt === null ? null : new Date(issued.expiresAt).toISOString() });
    },
  );

  app.post(
    '/stores',
    {
      config: { access: { caller: 'admin' } },
      schema: {
        summary:
          'Creates a store, or updates it by code (admin). Its registers enrol with enrolmentCode: one register by default (enrolmentCodeMaxUses, null for any number), for ever unless enrolmentCodeTtlSeconds is given.',
        tags: ['admin'],
        body: z
          .object({
            code: storeCode,
            name: z.string().min(1).max(80),
            currency: CurrencySchema,
            pricesIncludeTax: z.boolean().default(true),
            enrolmentCode: z.string().min(4).max(128),
            enrolmentCodeMaxUses: maxUses,
            enrolmentCodeTtlSeconds: ttlSeconds.optional(),
          })
          .strict(),
        response: { 200: StoreSchema, 409: HqErrorSchema },
      },
    },
    async (request) => {
      const { enrolmentCodeMaxUses, enrolmentCodeTtlSeconds, ...store } = request.body;
      const expiresAt = enrolmentCodeTtlSeconds === undefined ? null : Date.now() + enrolmentCodeTtlSeconds * 1000;
      return ctx.registers.upsertStore({ ...store, enrolmentCodeLimits: { maxUses: enrolmentCodeMaxUses, expiresAt } });
    },
  );

  app.post(
    '/users',
    {
      config: { access: { caller: 'admin' } },
      schema: {
        summary: 'Adds a cashier or manager (admin); storeId null lets them sign in at every store. A PIN another active user of the same store has is refused (409 PIN_TAKEN).',
        tags: ['admin'],
        body: z.object({ name: z.string().min(1).max(80), role: z.enum(['cashier', 'manager']), pin: z.string().regex(/^\d{4,8}$/, 'A PIN is 4 to 8 digits'), storeId: z.string().nullable() }).strict(),
        response: { 201: UserSchema, 400: HqErrorSchema, 409: HqErrorSchema },
      },
    },
    async (request, reply) => {
      if (request.body.storeId !== null && !(await ctx.registers.storeById(request.body.storeId))) {
        throw new HqError(400, 'UNKNOWN_STORE', `HQ has no store ${request.body.storeId}.`);
      }
      const user = await ctx.users.add(request.body);
      return reply.code(201).send({ id: user.id, name: user.name, role: user.role });
    },
  );
}
