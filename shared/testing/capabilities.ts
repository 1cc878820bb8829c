/**
 * What a test needs from the machine (PostgreSQL, network namespaces, the power-cut filesystem, Electron),
 * and what to do when it is missing. A test skips, saying why — unless `KASSA_REQUIRE` names the capability
 * (CI sets `KASSA_REQUIRE=postgres,netns,powerfs`): then the missing capability is a failure that says what
 * is missing, so a proof cannot silently stop running.
 */
export type Capability = 'postgres' | 'netns' | 'powerfs' | 'electron' | 'loopfs';

/** The environment variables read (the process's own by default). */
export type Env = Readonly<Record<string, string | undefined>>;
const processEnv = (): Env => (globalThis as { process?: { env: Env } }).process?.env ?? {};

export type Availability = { ok: true } | { ok: false; reason: string };

/** The capabilities `KASSA_REQUIRE` names (comma- or space-separated; `all` names every one). */
export function requiredCapabilities(env: Env = processEnv()): Set<string> {
  const names = (env.KASSA_REQUIRE ?? '')
    .split(/[\s,]+/)
    .map((s: string) => s.trim().toLowerCase())
    .filter(Boolean);
  return new Set(names);
}

export function isRequired(capability: Capability, env: Env = processEnv()): boolean {
  const required = requiredCapabilities(env);
  return required.has(capability) || required.has('all');
}

export class MissingCapabilityError extends Error {
  constructor(
    readonly capability: Capability,
    readonly reason: string,
  ) {
    super(`KASSA_REQUIRE names "${capability}", but it is not available on this machine: ${reason}`);
    this.name = 'MissingCapabilityError';
  }
}

/**
 * The skip reason for a test needing `capability`, or null when it can run. Throws MissingCapabilityError
 * when the capability is missing and `KASSA_REQUIRE` names it.
 */
export function skipReason(capability: Capability, availability: Availability, env: Env = processEnv()): string | null {
  if (availability.ok) return null;
  if (isRequired(capability, env)) throw new MissingCapabilityError(capability, availability.reason);
  return `${capability} is not available here: ${availability.reason} (set KASSA_REQUIRE=${capability} to make this a failure)`;
}
