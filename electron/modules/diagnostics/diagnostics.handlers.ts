import type { Handlers } from '../../core/handle';
import type { Logger } from '../../core/logger';
import type { DiagnosticsService } from './diagnostics.service';

/** Saves a file where the person chooses (Electron's save dialog); resolves to the path, or null when cancelled. */
export type SaveFile = (suggestedName: string, bytes: Uint8Array) => Promise<string | null>;

export interface DiagnosticsHandlerOptions {
  diagnostics: DiagnosticsService;
  log: Logger;
  /** Electron's save dialog; without one (browser preview) the page downloads the bytes itself. */
  saveFile?: SaveFile;
}

/** The diagnostics page's calls: declared for a signed-in manager only, to read them or export the support bundle. */
export function diagnosticsHandlers({ diagnostics, log, saveFile }: DiagnosticsHandlerOptions): Pick<Handlers, 'diagnostics.overview' | 'diagnostics.bundle'> {
  return {
    'diagnostics.overview': ({ hours }) => diagnostics.overview(hours),
    'diagnostics.bundle': async (_input, { user: manager }) => {
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
