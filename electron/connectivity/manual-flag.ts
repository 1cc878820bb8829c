import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-write';

export const CONNECTIVITY_FILE = 'connectivity.json';

const FlagFileSchema = z.object({
  manualOffline: z.boolean(),
  by: z.string().nullable(),
  at: z.number().int(),
});

export interface ManualFlag {
  manualOffline: boolean;
  by: string | null;
  at: number;
  /** Set when the file could not be read: the till starts offline to be safe and says why. */
  warning: string | null;
}

/**
 * The cashier's Go offline switch, kept in `<dataDir>/connectivity.json` so a crash or a restart keeps the
 * till offline. Read once at start-up, before any network activity.
 */
export class ManualFlagStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, CONNECTIVITY_FILE);
  }

  read(): ManualFlag {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { manualOffline: false, by: null, at: 0, warning: null };
      return this.unreadable(`it cannot be read (${(error as Error).message})`);
    }
    try {
      const parsed = FlagFileSchema.parse(JSON.parse(text));
      return { ...parsed, warning: null };
    } catch {
      return this.unreadable('it is damaged');
    }
  }

  write(manualOffline: boolean, by: string | null, at = Date.now()): ManualFlag {
    writeFileAtomic(this.file, `${JSON.stringify({ manualOffline, by, at })}\n`);
    return { manualOffline, by, at, warning: null };
  }

  private unreadable(why: string): ManualFlag {
    return {
      manualOffline: true,
      by: null,
      at: Date.now(),
      warning: `The saved offline switch (${this.file}) could not be used because ${why}, so the till started offline to be safe. Press Go online when HQ is reachable.`,
    };
  }
}
