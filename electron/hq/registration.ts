import type { AppInfo } from '../../shared/api';
import { KassaError } from '../../shared/errors';
import type { EnrolResponse } from '../../shared/hq/auth';
import { HQ_ROUTES } from '../../shared/hq/routes';
import type { Handlers } from '../core/handle';
import type { Logger } from '../core/logger';
import type { KassaModule } from '../core/module';
import { HqStatusError, type HqCaller } from './hq-client';

export const ENROL_RETRY_MS = 10_000;

export interface RegistrationDeps {
  hq: HqCaller | null;
  hqUrl: string | null;
  identity: { get(): object | null; save(hqUrl: string, answer: EnrolResponse): unknown };
  /** Whether HQ revoked this register: a revoked register enrols again with a new code. */
  revoked: () => boolean;
  info: () => AppInfo;
  log: Logger;
  /** Told once the register is enrolled (the screen changes, uploads start, the card key is fetched). */
  enrolled: (info: AppInfo) => void;
  retryMs?: number;
}

export type RegistrationModule = KassaModule<'register.enrol'> & {
  enrol(code: string): Promise<AppInfo>;
  /** KASSA_ENROLMENT_CODE: enrol on first start without a screen, retrying while HQ is away. */
  autoEnrol(code: string | null | undefined): void;
};

/** Enrolling this register with HQ: by a code typed on the enrolment screen, or from the environment on first start. */
export function createRegistration({ hq, hqUrl, identity, revoked, info, log, enrolled, retryMs = ENROL_RETRY_MS }: RegistrationDeps): RegistrationModule {
  let retry: NodeJS.Timeout | null = null;
  const enrol = async (code: string): Promise<AppInfo> => {
    if (!hq || !hqUrl) throw new KassaError('ENROLMENT_FAILED', 'This register runs in demo mode (no KASSA_HQ_URL), so there is no HQ to enrol with.');
    // A register HQ revoked enrols again with a new code; its outbox then uploads under the new token.
    if (identity.get() && !revoked()) return info();
    let answer: EnrolResponse;
    try {
      answer = await hq.call(HQ_ROUTES.enrol, { body: { code } });
    } catch (error) {
      if (error instanceof HqStatusError && error.rejected) throw new KassaError('ENROLMENT_FAILED', 'HQ did not accept that enrolment code. Check it with HQ and try again.');
      throw new KassaError('HQ_UNAVAILABLE', 'HQ is not answering, so the register cannot enrol yet. Check the network; sales need an enrolled register.');
    }
    identity.save(hqUrl, answer);
    log.info({ register: answer.registerCode, store: answer.store.code }, 'register enrolled with HQ');
    enrolled(info());
    return info();
  };
  const autoEnrol = (code: string | null | undefined) => {
    if (!hq || identity.get() || !code) return;
    const attempt = () =>
      void enrol(code).catch((error: unknown) => {
        log.warn({ err: error }, 'enrolment with HQ failed; retrying');
        if (error instanceof KassaError && error.code === 'HQ_UNAVAILABLE') {
          retry = setTimeout(attempt, retryMs);
          retry.unref();
        }
      });
    attempt();
  };
  const handlers: Pick<Handlers, 'register.enrol'> = { 'register.enrol': ({ code }) => enrol(code) };
  return {
    name: 'registration',
    enrol,
    autoEnrol,
    handlers,
    stop: () => {
      if (retry) clearTimeout(retry);
    },
  };
}
