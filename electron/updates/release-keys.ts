/**
 * The public halves of the keys that sign Kassa's updates (Ed25519, PEM), built into the app: an update
 * installs only with a signature by one of them (update-signature.ts). Empty, the register downloads
 * updates but installs none. `node scripts/update-signing.mjs keygen` makes a pair; keep the private half
 * off the feed server, and add the public half here before a release is built.
 */
export const RELEASE_KEYS: readonly string[] = [];
