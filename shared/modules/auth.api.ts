/**
 * The auth module's channels beyond sign-in and sign-out (which stay in `shared/api.ts`): unlocking a
 * locked screen, and the session's state as `session.get` answers it and `session.changed` carries it.
 * Joined into `api` in `shared/api.ts`; the channel names are listed in `shared/channels.ts`.
 */
import { z } from 'zod';
import type { ChannelSpec } from '../channel-spec';
import { UserSchema } from '../schemas';

/** A PIN is 4 to 8 digits; anything else is refused before it is checked (and never counts as a guess). */
export const PinSchema = z.string().regex(/^\d{4,8}$/, 'A PIN is 4 to 8 digits');

export const SessionStateSchema = z.object({
  user: UserSchema.nullable(),
  /** Auto-lock: the user is still signed in, their cart and tender kept, but the screen needs a PIN. */
  locked: z.boolean().optional(),
  /** Too many wrong PINs: sign-in is locked until this time (ms since epoch); null or absent when open. */
  signInLockedUntil: z.number().int().nullable().optional(),
});
export type SessionState = z.infer<typeof SessionStateSchema>;

export const authApi = {
  'session.unlock': { input: z.object({ pin: PinSchema }).strict(), output: z.object({ user: UserSchema }), access: 'anyone', whileLocked: true },
} as const satisfies Record<string, ChannelSpec>;
