import { z } from 'zod';
import { HqErrorSchema } from '../../../shared/hq/common';
import { IdSchema } from '../../../shared/hq/common';
import { CreateMemberSchema, MemberBalanceSchema, MemberCardSchema, MemberSchema, MemberWithBalanceSchema, PhoneSchema } from '../../../shared/hq/members';
import type { HqApp, HqContext } from '../context';
import { HqError } from '../http/errors';

export function memberRoutes(app: HqApp, ctx: HqContext): void {
  app.get(
    '/members/lookup',
    {
      // Members are the chain's, not a store's: any register looks them up and enrols them.
      config: { access: { caller: 'registerOrAdmin', ids: [] } },
      schema: {
        summary: 'Finds a member by phone or loyalty card (exactly one), with their points balance.',
        tags: ['membership'],
        querystring: z
          .object({ phone: PhoneSchema.optional(), card: MemberCardSchema.optional() })
          .refine((q) => (q.phone === undefined) !== (q.card === undefined), { message: 'give exactly one of phone or card' }),
        response: { 200: MemberWithBalanceSchema, 400: HqErrorSchema, 404: HqErrorSchema },
      },
    },
    async (request) => {
      const found = await ctx.members.lookup(request.query);
      if (!found) throw new HqError(404, 'MEMBER_NOT_FOUND', 'No member has this phone number or card. Check it, or enrol the customer.');
      return found;
    },
  );

  app.post(
    '/members',
    {
      // Members are the chain's, not a store's: any register looks them up and enrols them.
      config: { access: { caller: 'registerOrAdmin', ids: [] } },
      schema: {
        summary: 'Enrols a member; 409 DUPLICATE_PHONE (with the existing memberId) when the phone is known.',
        tags: ['membership'],
        body: CreateMemberSchema,
        response: { 201: MemberSchema, 400: HqErrorSchema, 409: HqErrorSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await ctx.members.create(request.body)),
  );

  app.get(
    '/members/:id/balance',
    {
      // Members are the chain's, not a store's: any register looks them up and enrols them.
      config: { access: { caller: 'registerOrAdmin', ids: [] } },
      schema: {
        summary: "A member's points balance: the sum of their append-only ledger. Accepts a register's local member id after a merge.",
        tags: ['membership'],
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: MemberBalanceSchema, 404: HqErrorSchema },
      },
    },
    async (request) => {
      const balance = await ctx.members.balance(request.params.id);
      if (!balance) throw new HqError(404, 'MEMBER_NOT_FOUND', `HQ knows no member ${request.params.id}.`);
      return balance;
    },
  );

  app.post(
    '/admin/members/:id/points',
    {
      config: { access: { caller: 'admin' } },
      schema: {
        summary:
          "Adjusts a member's points (admin): delta (a non-zero whole number) is appended to their ledger with reason adjust, once per entry id; note says why and goes to HQ's log. Registers only earn and redeem on their sales. Answers the balance after it.",
        tags: ['admin'],
        params: z.object({ id: z.string().min(1).max(64) }),
        body: z
          .object({
            id: IdSchema,
            delta: z.number().int('must be a whole number of points').refine((n) => n !== 0 && Number.isSafeInteger(n), 'must be a non-zero whole number of points'),
            note: z.string().trim().min(1, 'say why the points are adjusted').max(200),
          })
          .strict(),
        response: { 200: MemberBalanceSchema, 400: HqErrorSchema, 401: HqErrorSchema, 404: HqErrorSchema, 409: HqErrorSchema },
      },
    },
    async (request) => {
      const after = await ctx.members.adjustPoints(request.params.id, request.body);
      if (!after) throw new HqError(404, 'MEMBER_NOT_FOUND', `HQ knows no member ${request.params.id}.`);
      request.log.info({ memberId: after.memberId, entry: request.body.id, delta: request.body.delta, note: request.body.note }, 'member points adjusted by an admin');
      return after;
    },
  );
}
