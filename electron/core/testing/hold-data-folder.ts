/**
 * A child process for the data-folder lock's tests: takes the lock on the folder named in argv, says
 * "locked <pid>" on stdout, and holds it until it is killed (or told to exit on stdin closing).
 */
import { lockDataFolder } from '../data-lock';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: hold-data-folder.ts <dataDir>\n');
  process.exit(2);
}
try {
  lockDataFolder(dir);
  process.stdout.write(`locked ${process.pid}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
setInterval(() => undefined, 60_000);
