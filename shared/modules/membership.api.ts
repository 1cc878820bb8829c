/**
 * The membership module's channels (member lookup, enrolment, points): input and output schemas. Joined into `api` in
 * `shared/api.ts`; the channel names are listed in `shared/channels.ts`.
 */
import { z } from 'zod';
import type { ChannelSpec } from '../channel-spec';
import { TenderStateSchema } from '../schemas';

/** A member as the register shows them: live from HQ (`asOf` null) or from the local cache as of a time. */
export const MemberViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string(),
  card: z.string().nullable(),
  /** Enrolled on this register and not yet confirmed by HQ (a local id until it is). */
  pending: z.boolean(),
  balance: z.number().int(),
  /** `live`: HQ's balance just now (plus this register's unsent entries); `cache`: as of `asOf` (ms), null when HQ never gave one. */
  source: z.enum(['live', 'cache']),
  asOf: z.number().int().nullable(),
});
export type MemberView = z.infer<typeof MemberViewSchema>;

/** The member attached to the open sale and what points may pay of it. */
export const AttachedMemberSchema = z.object({
  saleId: z.string().nullable(),
  member: MemberViewSchema.nullable(),
  /** Points that may pay now: the balance less pending redemptions, and offline at most the cap. */
  redeemable: z.number().int(),
  /** Points already tendered on this sale. */
  tendered: z.number().int(),
  /** What one point pays, in minor units. */
  pointValue: z.number().int(),
  mode: z.enum(['online', 'offline']),
  /** Offline: the most points one sale may redeem; null online. */
  offlineCap: z.number().int().nullable(),
});
export type AttachedMember = z.infer<typeof AttachedMemberSchema>;

const nameField = z.string().trim().min(1, 'a name is needed').max(120);
const phoneField = z.string().trim().min(1, 'a phone number is needed').max(32);
const cardField = z.string().trim().max(32);

export const membershipApi = {
  /** By phone or card number (whichever the text is); online from HQ (the cache refreshed), offline from the cache. */
  'membership.lookup': { input: z.object({ query: z.string().trim().min(1, 'type a phone or card number').max(32) }).strict(), output: z.object({ member: MemberViewSchema }), access: 'signedIn' },
  /** `duplicate`: the phone (or card) belongs to a member already; `member` is that member, to attach instead. */
  'membership.enrol': {
    input: z.object({ name: nameField, phone: phoneField, card: cardField.optional() }).strict(),
    output: z.object({ status: z.enum(['enrolled', 'duplicate']), member: MemberViewSchema }),
    access: 'signedIn',
  },
  /** `refresh`: ask HQ for the member's balance now (when online) rather than answer from the register's copy. */
  'membership.attached': { input: z.object({ refresh: z.boolean().optional() }).strict(), output: AttachedMemberSchema, access: 'signedIn' },
  'membership.attach': { input: z.object({ memberId: z.string().min(1).max(64) }).strict(), output: AttachedMemberSchema, access: 'signedIn' },
  'membership.detach': { input: z.object({}).strict(), output: AttachedMemberSchema, access: 'signedIn' },
  /** A code the catalog did not know: attaches the member whose loyalty card it is; `attached` null when no member has it. */
  'membership.scanCard': { input: z.object({ code: z.string().trim().min(1).max(64) }).strict(), output: z.object({ attached: AttachedMemberSchema.nullable() }), access: 'signedIn' },
  /** Points as tender on the open sale: `points` × the point value comes off what remains due. */
  'membership.redeem': { input: z.object({ saleId: z.string().max(64), points: z.number().int() }).strict(), output: TenderStateSchema, access: 'signedIn' },
} as const satisfies Record<string, ChannelSpec>;
