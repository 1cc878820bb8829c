import { z } from 'zod';
import { PinSchema } from '../pin';
import { UserSchema } from '../api';

const code = z.string().regex(/^[A-Za-z0-9]{1,12}$/, 'must be 1 to 12 letters or digits (no hyphen)');

export const EnrolRequestSchema = z
  .object({
    /** The store's enrolment code (the demo store's is HQ_ENROLMENT_CODE, default DEMO). */
    code: z.string().min(1).max(128),
    /** The register code wanted in sale numbers; HQ picks the next free one (R01, R02, …) when absent. */
    registerCode: code.optional(),
    name: z.string().min(1).max(80).optional(),
  })
  .strict();

export const StoreSchema = z.object({ id: z.string(), code: z.string(), name: z.string(), currency: z.string(), pricesIncludeTax: z.boolean() });

/** The device token is shown once; HQ keeps only its hash. Every later call sends `Authorization: Bearer <token>`. */
export const EnrolResponseSchema = z.object({
  registerId: z.string(),
  registerCode: z.string(),
  token: z.string(),
  store: StoreSchema,
  /** HQ's public key for sealing card numbers kept offline (base64 of its SPKI DER); absent from an older HQ. */
  cardKey: z.string().min(1).max(200).optional(),
});
export type EnrolResponse = z.infer<typeof EnrolResponseSchema>;

export const LoginRequestSchema = z
  .object({
    pin: PinSchema,
    /** Optional: checks this user only instead of every user of the store. */
    userId: z.string().max(64).optional(),
  })
  .strict();

/** `pinHash` (`scrypt$N$r$p$salt$hash`) is what the register caches to check this PIN while offline. */
export const LoginResponseSchema = z.object({ user: UserSchema, pinHash: z.string() });
export type LoginResponse = z.infer<typeof LoginResponseSchema>;
