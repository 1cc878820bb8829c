/**
 * Signing in to the console and its users. The session is a cookie (HttpOnly, SameSite=Strict, Path=/console,
 * Secure when HQ is reached over https) whose secret HQ keeps only hashed; changes carry the session's CSRF
 * token (auth/guards.ts). Wrong passwords are limited per address and per email, the attempt taken before
 * the slow check.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_COOKIE, type ConsoleUser } from '../../../shared/hq/console';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import { cookieValue } from '../auth/guards';
import type { HqApp } from '../context';
import { serve } from '../http/contract';
import { HqError } from '../http/errors';
import { SCOPED_KINDS } from '../http/scope';
import { recordAudit } from './audit';
import { SESSION_TTL_MS } from './console-users.repository';
import { consoleCaller } from './scope';

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string, maxAgeSeconds: number): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  void reply.header('set-cookie', `${CONSOLE_COOKIE}=${secret}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`);
}

export async function consoleAuthRoutes(instance: HqApp): Promise<void> {
  const app = instance;
  const ctx = app.hq;
  const users = ctx.consoleUsers;

  serve(app, HQ_ROUTES.consoleSession, { access: { public: 'says whether someone is signed in; answers nothing else' } }, async (request) => {
    const secret = cookieValue(request.headers.cookie, CONSOLE_COOKIE);
    const session = secret ? await users.session(secret) : null;
    return { user: session?.user ?? null, csrf: session?.csrf ?? null, setupNeeded: !(await users.ownerExists()) };
  });

  serve(app, HQ_ROUTES.consoleSetup, { access: { public: 'the one-time setup link printed at start-up is the credential' } }, async (request, reply) => {
    const keys = [`ip:${request.ip}`];
    const attempt = await ctx.limits.consoleSignIn.attempt(keys, 'setup links');
    const hash = await users.hashPassword(request.body.password);
    const { user, session } = await ctx.writer.transaction(async (tx) => {
      await users.useSetupToken(tx, request.body.token);
      const created = await users.insert(tx, { email: request.body.email, name: request.body.name, role: 'owner', storeIds: [], password: request.body.password }, hash);
      await recordAudit(tx, request, { action: 'console-user.first-owner', target: created.email }, created);
      return { user: created, session: await users.startSession(tx, created.id, request.ip) };
    });
    await attempt.giveBack();
    ctx.console.setupToken = null;
    setSessionCookie(request, reply, session.secret, SESSION_TTL_MS / 1000);
    request.log.info({ email: user.email }, 'console owner created from the setup link');
    return reply.code(201).send({ user, csrf: session.csrf });
  });

  serve(app, HQ_ROUTES.consoleSignIn, { access: { public: 'the email and password are the credential' } }, async (request, reply) => {
    const keys = [`ip:${request.ip}`, `email:${request.body.email}`];
    // Taken before the password is checked, so guesses sent at once cannot all pass the limit.
    const attempt = await ctx.limits.consoleSignIn.attempt(keys, 'passwords');
    const user = await users.checkPassword(request.body.email, request.body.password);
    if (!user) throw new HqError(401, 'WRONG_PASSWORD', 'That email and password do not match an active console user. Check both, or ask an owner to reset your password.');
    await attempt.giveBack();
    const session = await ctx.writer.transaction(async (tx) => {
      await recordAudit(tx, request, { action: 'console-user.sign-in', target: user.email }, user);
      return users.startSession(tx, user.id, request.ip);
    });
    setSessionCookie(request, reply, session.secret, SESSION_TTL_MS / 1000);
    return { user, csrf: session.csrf };
  });

  serve(app, HQ_ROUTES.consoleSignOut, { access: { caller: 'console', roles: ['owner', 'area-manager', 'store-manager'], ids: [] } }, async (request, reply) => {
    await users.endSession(consoleCaller(request).session.idHash);
    setSessionCookie(request, reply, '', 0);
    return reply.code(204).send(null);
  });

  serve(app, HQ_ROUTES.consoleUsers, { access: { caller: 'console', roles: ['owner'], ids: [] } }, async () => ({ users: await users.list() }));

  serve(app, HQ_ROUTES.consoleAddUser, { access: { caller: 'console', roles: ['owner'], ids: [] } }, async (request, reply) => {
    await assertStoresExist(app, request.body.storeIds);
    const hash = await users.hashPassword(request.body.password);
    const user = await ctx.writer.transaction(async (tx) => {
      const created = await users.insert(tx, request.body, hash);
      await recordAudit(tx, request, { action: 'console-user.add', target: created.email, detail: { role: created.role, storeIds: created.storeIds } });
      return created;
    });
    return reply.code(201).send(user);
  });

  serve(app, HQ_ROUTES.consoleChangeUser, { access: { caller: 'console', roles: ['owner'], ids: [] } }, async (request) => {
    const change = request.body;
    if (change.storeIds) await assertStoresExist(app, change.storeIds);
    const hash = change.password ? await users.hashPassword(change.password) : null;
    return ctx.writer.transaction(async (tx) => {
      const row = await tx.trx.selectFrom('console_users').selectAll().where('id', '=', request.params.userId).executeTakeFirst();
      if (!row) throw new HqError(404, 'CONSOLE_USER_NOT_FOUND', `HQ has no console user ${request.params.userId}.`);
      const role = change.role ?? row.role;
      const active = change.active ?? row.active === 1;
      if (row.role === 'owner' && row.active === 1 && (role !== 'owner' || !active)) {
        // Counted inside this write with the owners' rows locked (PostgreSQL; SQLite has one writer), so two
        // owners removing each other at once are taken in turn and the second finds one owner left.
        const owners = await tx.trx.selectFrom('console_users').select('id').where('role', '=', 'owner').where('active', '=', 1).$if(ctx.writer.dialect === 'postgres', (q) => q.forUpdate()).execute();
        if (owners.length <= 1) throw new HqError(409, 'LAST_OWNER', 'This is the last active owner. Make another owner first; nothing was changed.');
      }
      const storeIds = role === 'owner' ? [] : (change.storeIds ?? (JSON.parse(row.store_ids) as string[]));
      await tx.trx
        .updateTable('console_users')
        .set({ name: change.name ?? row.name, role, store_ids: JSON.stringify(storeIds), active: active ? 1 : 0, ...(hash ? { password_hash: hash } : {}), updated_at: tx.now })
        .where('id', '=', row.id)
        .execute();
      // A new password, role or set of stores, or a deactivation, ends the user's sessions.
      await tx.trx.deleteFrom('console_sessions').where('user_id', '=', row.id).execute();
      const { password: _password, ...shown } = change;
      await recordAudit(tx, request, { action: 'console-user.change', target: row.email, detail: { ...shown, ...(change.password ? { password: 'set' } : {}) } });
      return { id: row.id, email: row.email, name: change.name ?? row.name, role, storeIds, active } satisfies ConsoleUser;
    });
  });
}

async function assertStoresExist(app: HqApp, storeIds: readonly string[]): Promise<void> {
  const found = await SCOPED_KINDS.store.storesOf(app.hq.database.read, storeIds);
  const missing = storeIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new HqError(400, 'UNKNOWN_STORE', `HQ has no store ${missing.join(', ')}. Nothing was changed.`);
}
