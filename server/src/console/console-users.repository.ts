import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { ConsoleRole, ConsoleUser } from '../../../shared/hq/console';
import { hashSecret } from '../auth/tokens';
import type { ConsoleUsersTable, HqSchema } from '../db/schema';
import type { WriteTx, Writer } from '../db/writer';
import { HqError } from '../http/errors';
import { hashPassword, verifyPassword } from './password';

/** How long a console session lasts from sign-in: a working day. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** A password hash no password matches: checked against when the email is unknown, so both take as long. */
let decoy: Promise<string> | null = null;

export function userOf(row: Pick<ConsoleUsersTable, 'id' | 'email' | 'name' | 'role' | 'store_ids' | 'active'>): ConsoleUser {
  return { id: row.id, email: row.email, name: row.name, role: row.role, storeIds: row.role === 'owner' ? [] : (JSON.parse(row.store_ids) as string[]), active: row.active === 1 };
}

export interface NewConsoleUser {
  email: string;
  name: string;
  role: ConsoleRole;
  storeIds: string[];
  password: string;
}

/** The console's users, their sessions and the first owner's one-time setup link. */
export class ConsoleUsersRepository {
  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
  ) {}

  async list(): Promise<ConsoleUser[]> {
    return (await this.read.selectFrom('console_users').selectAll().orderBy('email').execute()).map(userOf);
  }

  async byId(id: string): Promise<ConsoleUser | null> {
    const row = await this.read.selectFrom('console_users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? userOf(row) : null;
  }

  async ownerExists(): Promise<boolean> {
    return (await this.read.selectFrom('console_users').select('id').where('role', '=', 'owner').where('active', '=', 1).executeTakeFirst()) !== undefined;
  }

  /** Inside a write: refuses an email already taken (409), and stores the password's scrypt hash. */
  async insert(tx: WriteTx, user: NewConsoleUser, passwordHash: string): Promise<ConsoleUser> {
    const taken = await tx.trx.selectFrom('console_users').select('id').where('email', '=', user.email).executeTakeFirst();
    if (taken) throw new HqError(409, 'EMAIL_TAKEN', `A console user with the email ${user.email} already exists. Use another email, or change that user.`);
    const row = { id: uuidv7(), email: user.email, name: user.name, role: user.role, store_ids: JSON.stringify(user.role === 'owner' ? [] : [...new Set(user.storeIds)]), password_hash: passwordHash, active: 1, created_at: tx.now, updated_at: tx.now };
    await tx.trx.insertInto('console_users').values(row).execute();
    return userOf(row);
  }

  hashPassword(password: string): Promise<string> {
    return hashPassword(password);
  }

  /** The active user with this email and password, or null; as slow for an unknown email as for a wrong password. */
  async checkPassword(email: string, password: string): Promise<ConsoleUser | null> {
    const row = await this.read.selectFrom('console_users').selectAll().where('email', '=', email).executeTakeFirst();
    if (!row) {
      decoy ??= hashPassword(crypto.randomBytes(16).toString('hex'));
      await verifyPassword(password, await decoy);
      return null;
    }
    const right = await verifyPassword(password, row.password_hash);
    return right && row.active === 1 ? userOf(row) : null;
  }

  /** Starts a session: the cookie's secret (only its hash is kept) and the session's CSRF token. */
  async startSession(tx: WriteTx, userId: string, address: string): Promise<{ secret: string; csrf: string }> {
    const secret = crypto.randomBytes(32).toString('base64url');
    const csrf = crypto.randomBytes(24).toString('base64url');
    await tx.trx.deleteFrom('console_sessions').where('expires_at', '<=', tx.now).execute();
    await tx.trx.insertInto('console_sessions').values({ id_hash: hashSecret(secret), user_id: userId, csrf, address, created_at: tx.now, expires_at: tx.now + SESSION_TTL_MS }).execute();
    return { secret, csrf };
  }

  /** The session of a cookie's secret and its user, while both are valid. */
  async session(secret: string, now = Date.now()): Promise<{ idHash: string; csrf: string; user: ConsoleUser } | null> {
    const idHash = hashSecret(secret);
    const row = await this.read
      .selectFrom('console_sessions')
      .innerJoin('console_users', 'console_users.id', 'console_sessions.user_id')
      .select(['console_sessions.csrf', 'console_sessions.expires_at', 'console_users.id', 'console_users.email', 'console_users.name', 'console_users.role', 'console_users.store_ids', 'console_users.active'])
      .where('console_sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row || Number(row.expires_at) <= now || row.active !== 1) return null;
    return { idHash, csrf: row.csrf, user: userOf(row) };
  }

  async endSession(idHash: string): Promise<void> {
    await this.writer.transaction(({ trx }) => trx.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute());
  }

  /**
   * The first owner's one-time setup link: a fresh token on every start while no owner exists (only its
   * hash is kept, so the link printed last is the one that works). Null once an owner exists.
   */
  async issueSetupToken(): Promise<string | null> {
    if (await this.ownerExists()) return null;
    const token = crypto.randomBytes(24).toString('base64url');
    await this.writer.transaction(async ({ trx, now }) => {
      await trx.deleteFrom('console_setup').execute();
      await trx.insertInto('console_setup').values({ id: 1, token_hash: hashSecret(token), created_at: now, used_at: null }).execute();
    });
    return token;
  }

  /** Inside the write that creates the first owner: the token must be the setup link's, unused, with no owner yet. */
  async useSetupToken(tx: WriteTx, token: string): Promise<void> {
    const owner = await tx.trx.selectFrom('console_users').select('id').where('role', '=', 'owner').executeTakeFirst();
    if (owner) throw new HqError(409, 'SETUP_DONE', 'This HQ already has an owner. Sign in, or ask an owner to add you.');
    const row = await tx.trx.selectFrom('console_setup').selectAll().where('id', '=', 1).executeTakeFirst();
    const given = Buffer.from(hashSecret(token), 'hex');
    if (!row || row.used_at !== null || !crypto.timingSafeEqual(given, Buffer.from(row.token_hash, 'hex'))) {
      throw new HqError(403, 'SETUP_LINK_INVALID', 'This setup link is not valid. Use the link HQ printed at its last start (each start prints a new one).');
    }
    await tx.trx.updateTable('console_setup').set({ used_at: tx.now }).where('id', '=', 1).execute();
  }
}
