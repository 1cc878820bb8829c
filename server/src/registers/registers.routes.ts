import { z } from 'zod';
import { UserSchema } from '../../../shared/api';
import { EnrolRequestSchema, EnrolResponseSchema, LoginRequestSchema, LoginResponseSchema, StoreSchema } from '../../../shared/hq/auth';
import { CurrencySchema, HqErrorSchema } from '../../../shared/hq/common';
import { callerRegister } from '../auth/guards';
import type { HqApp, HqContext } from '../context';
import { HqError } from '../http/errors';

const storeCode = z.string().regex(/^[A-Za-z0-9]{1,12}$/, 'must be 1 to 12 letters or digits (no hyphen)');

export function registerRoutes(app: HqApp, ctx: HqContext): void {
  app.post(
    '/registers/enrol',
    {
      config: { access: { public: "the store's enrolment code is the credential" } },
      schema: {
        summary: "Enrols a register with its store's enrolment code; answers its device token (shown once, stored hashed).",
        tags: ['registers'],
        body: EnrolRequestSchema,
        response: { 201: EnrolResponseSchema, 403: HqErrorSchema, 409: HqErrorSchema, 429: HqErrorSchema },
      },
    },
    async (request, reply) => {
      ctx.limits.enrol.check(request.ip, 'enrolment codes');
      let enrolled: Awaited<ReturnType<typeof ctx.registers.enrol>>;
      try {
        enrolled = await ctx.registers.enrol(request.body.code, { registerCode: request.body.registerCode, name: request.body.name });
      } catch (error) {
        if (error instanceof HqError && error.code === 'WRONG_ENROLMENT_CODE') ctx.limits.enrol.fail(request.ip);
        throw error;
      }
      const { register, token, store } = enrolled;
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
      ctx.limits.login.check(register.id, 'PINs');
      const user = await ctx.users.checkPin(register.storeId, request.body.pin, request.body.userId);
      if (!user) {
        ctx.limits.login.fail(register.id);
        throw new HqError(401, 'WRONG_PIN', 'That PIN is not right. Try again, or ask a manager.');
      }
      ctx.limits.login.succeed(register.id);
      return { user: { id: user.id, name: user.name, role: user.role }, pinHash: user.pinHash };
    },
  );

  app.get(
    '/registers',
    { config: { access: { caller: 'admin' } }, schema: { summary: 'The enrolled registers (admin).', tags: ['admin'], response: { 200: z.object({ registers: z.array(z.unknown()) }) } } },
    async () => ({ registers: await ctx.registers.list() }),
  );

  app.post(
    '/stores',
    {
      config: { access: { caller: 'admin' } },
      schema: {
        summary: 'Creates a store, or updates it by code (admin). Its registers enrol with enrolmentCode.',
        tags: ['admin'],
        body: z.object({ code: storeCode, name: z.string().min(1).max(80), currency: CurrencySchema, pricesIncludeTax: z.boolean().default(true), enrolmentCode: z.string().min(4).max(128) }).strict(),
        response: { 200: StoreSchema, 409: HqErrorSchema },
      },
    },
    async (request) => ctx.registers.upsertStore(request.body),
  );

  app.post(
    '/users',
    {
      config: { access: { caller: 'admin' } },
      schema: {
        summary: 'Adds a cashier or manager (admin); storeId null lets them sign in at every store.',
        tags: ['admin'],
        body: z.object({ name: z.string().min(1).max(80), role: z.enum(['cashier', 'manager']), pin: z.string().regex(/^\d{4,8}$/, 'A PIN is 4 to 8 digits'), storeId: z.string().nullable() }).strict(),
        response: { 201: UserSchema, 400: HqErrorSchema },
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
