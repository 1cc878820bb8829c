/**
 * Console passwords are hashed as the registers' PINs are: scrypt with a fresh salt
 * (`scrypt$N$r$p$salt$hash`, shared/node/pin-hash.ts). Online guessing is limited by the sign-in lockout.
 */
export { hashPin as hashPassword, verifyPin as verifyPassword } from '../../../shared/node/pin-hash';
