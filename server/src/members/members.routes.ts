import { z } from 'zod';
import { HqErrorSchema } from '../../../shared/hq/common';
import { CreateMemberSchema, MemberBalanceSchema, MemberCardSchema, MemberSchema, MemberWithBalanceSchema, PhoneSchema } from '../../../shared/hq/members';
import type { HqApp, HqContext } from '../context';
import { HqError } from '../http/errors';

export function memberRoutes(app: HqApp, ctx: HqContext): void {
  app.get(
    '/members/lookup',
    {
      onRequest: ctx.guards.registerOrAdmin,
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
      onRequest: ctx.guards.registerOrAdmin,
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
      onRequest: ctx.guards.registerOrAdmin,
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
}
