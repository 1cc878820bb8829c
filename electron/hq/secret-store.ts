/**
 * How the register keeps its device token (HQ's proof that this is an enrolled register) at rest. The
 * host provides the store: Electron seals it with the operating system's keychain (safeStorage); the web
 * host, headless in plain Node, has no keychain and keeps it in the clear, and says so.
 */
export interface SecretStorage {
  /** `os-keychain`: sealed with a key the OS keeps for this user; `clear`: readable by anyone who can read the data folder. */
  protection: 'os-keychain' | 'clear';
  /** Why, in a sentence for the log and the diagnostics page. */
  detail: string;
}

export interface SecretStore {
  readonly storage: SecretStorage;
  /** The text to store for `secret`. */
  seal(secret: string): string;
  /** The secret back from what was stored (sealed or, from an older version, clear). */
  open(stored: string): string;
}

/** A sealed value in the database: this prefix, then the keychain's ciphertext in base64. A device token never starts so. */
export const SEALED_PREFIX = 'sealed:v1:';

export const isSealed = (stored: string): boolean => stored.startsWith(SEALED_PREFIX);

/** A sealed token that this host cannot open: start-up stops with what to do. */
export class SecretUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `This register's device token is sealed with the keychain of the desktop app and cannot be opened here (${detail}). Start Kassa as the desktop app, as the same user, on this computer.`,
    );
    this.name = 'SecretUnavailableError';
  }
}

export function clearSecretStore(detail: string): SecretStore {
  return {
    storage: { protection: 'clear', detail },
    seal: (secret) => secret,
    open: (stored) => {
      if (isSealed(stored)) throw new SecretUnavailableError(detail);
      return stored;
    },
  };
}

/** The part of Electron's safeStorage the register uses. */
export interface OsEncryption {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which password store backs the key. */
  getSelectedStorageBackend?(): string;
}

/**
 * Electron's safeStorage when it really protects the secret: available, and on Linux backed by a password
 * store (libsecret, KWallet), not `basic_text`, whose key is built into Chromium and so protects nothing.
 * Otherwise the clear store, saying why.
 */
export function keychainSecretStore(os: OsEncryption, platform: NodeJS.Platform = process.platform): SecretStore {
  if (!os.isEncryptionAvailable()) return clearSecretStore('the operating system offers no keychain to this app (safeStorage unavailable)');
  if (platform === 'linux') {
    const backend = os.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown')
      return clearSecretStore(`no password store (GNOME Keyring, KWallet) runs on this desktop (safeStorage backend: ${backend})`);
  }
  return {
    storage: { protection: 'os-keychain', detail: platform === 'linux' ? `sealed with the desktop's password store (${os.getSelectedStorageBackend?.()})` : "sealed with the operating system's keychain" },
    seal: (secret) => SEALED_PREFIX + os.encryptString(secret).toString('base64'),
    open: (stored) => {
      if (!isSealed(stored)) return stored;
      try {
        return os.decryptString(Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64'));
      } catch (error) {
        throw new SecretUnavailableError(`the keychain refused it: ${(error as Error).message}`);
      }
    },
  };
}
