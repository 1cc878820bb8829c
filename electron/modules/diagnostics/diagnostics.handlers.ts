import type { User } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import type { Handlers } from '../../core/handle';
import type { Logger } from '../../core/logger';
import type { DiagnosticsService } from './diagnostics.service';

/** Saves a file where the person chooses (Electron's save dialog); resolves to the path, or null when cancelled. */
export type SaveFile = (suggestedName: string, bytes: Uint8Array) => Promise<string | null>;

export interface DiagnosticsHandlerOptions {
  diagnostics: DiagnosticsService;
  session: { current(): User | null };
  log: Logger;
  /** Electron's save dialog; without one (browser preview) the page downloads the bytes itself. */
  saveFile?: SaveFile;
}

/** The diagnostics page's calls: only a signed-in manager may read them or export the support bundle. */
export function diagnosticsHandlers({ diagnostics, session, log, saveFile }: DiagnosticsHandlerOptions): Pick<Handlers, 'diagnostics.overview' | 'diagnostics.bundle'> {
  const requireManager = (): User => {
    const user = session.current();
    if (!user) throw new KassaError('NOT_SIGNED_IN', 'Sign in first.');
    if (user.role !== 'manager') throw new KassaError('NOT_A_MANAGER', 'Diagnostics are for managers: sign in with a manager PIN.');
    return user;
  };
  return {
    'diagnostics.overview': ({ hours }) => {
      requireManager();
      return diagnostics.overview(hours);
    },
    'diagnostics.bundle': async () => {
      const manager = requireManager();
      const { fileName, bytes } = await diagnostics.bundle();
      log.info({ manager: manager.name, fileName, size: bytes.length }, 'support bundle exported');
      if (saveFile) {
        const savedTo = await saveFile(fileName, bytes);
        return { fileName, size: bytes.length, base64: null, savedTo };
      }
      return { fileName, size: bytes.length, base64: Buffer.from(bytes).toString('base64'), savedTo: null };
    },
  };
}
