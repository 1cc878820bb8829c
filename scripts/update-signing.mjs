/**
 * Signs the installers of a release for the update feed (electron/updates/update-signature.ts).
 *   node scripts/update-signing.mjs keygen <dir>             writes release-key.pem (private, 0600) and release-key.pub.pem
 *   node scripts/update-signing.mjs sign <key.pem> <file>…   writes <file>.sig beside each installer
 * Copy each <installer>.sig to the feed beside its installer and latest*.yml.
 */
import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (command === 'keygen' && args.length === 1) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  fs.mkdirSync(args[0], { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(args[0], 'release-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  fs.writeFileSync(path.join(args[0], 'release-key.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  process.stdout.write(`Add ${path.join(args[0], 'release-key.pub.pem')} to electron/updates/release-keys.ts; keep release-key.pem off the feed server.\n`);
} else if (command === 'sign' && args.length >= 2) {
  const key = createPrivateKey(fs.readFileSync(args[0]));
  for (const file of args.slice(1)) {
    const digest = createHash('sha512').update(fs.readFileSync(file)).digest('base64');
    const message = Buffer.from(`kassa-update:v1:${path.basename(file)}:${digest}`, 'utf8');
    fs.writeFileSync(`${file}.sig`, `${sign(null, message, key).toString('base64')}\n`);
    process.stdout.write(`${file}.sig\n`);
  }
} else {
  process.stderr.write('usage: node scripts/update-signing.mjs keygen <dir> | sign <release-key.pem> <installer>…\n');
  process.exit(1);
}
