import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test/factories';
import { UpdateRefusedError, updateSignedMessage, updateVerifier } from './update-signature';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FEED = 'https://updates.kassa.example/kassa';
const release = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
const releasePublic = release.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

function installer(name = 'Kassa-0.2.0.AppImage', bytes = Buffer.from('an installer of Kassa 0.2.0')): string {
  const { dir, cleanup } = makeTempDir('kassa-update-');
  cleanups.push(cleanup);
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

const signatureOf = (name: string, bytes: Buffer, key = release.privateKey) =>
  sign(null, updateSignedMessage(name, createHash('sha512').update(bytes).digest('base64')), key).toString('base64');

/** A feed serving the given `.sig` files, recording what was asked. */
function feed(signatures: Record<string, string>) {
  const asked: string[] = [];
  const fetchText = (url: string) => {
    asked.push(url);
    const sig = signatures[url];
    return sig === undefined ? Promise.reject(new Error('the feed answered 404')) : Promise.resolve(sig);
  };
  return { asked, fetchText };
}

describe("an update's signature", () => {
  const bytes = Buffer.from('an installer of Kassa 0.2.0');

  it("accepts an installer signed by the release key, fetching <installer>.sig beside it on the feed", async () => {
    const file = installer();
    for (const feedUrl of [FEED, `${FEED}/`]) {
      const f = feed({ [`${FEED}/Kassa-0.2.0.AppImage.sig`]: `${signatureOf('Kassa-0.2.0.AppImage', bytes)}\n` });
      await expect(updateVerifier({ feedUrl, publicKeys: [releasePublic], fetchText: f.fetchText })(file)).resolves.toBeUndefined();
      expect(f.asked).toEqual([`${FEED}/Kassa-0.2.0.AppImage.sig`]);
    }
  });

  it('refuses an installer the feed changed (latest.yml and sha512 rewritten to match), one signed by another key, or a signature for another file', async () => {
    const verifyWith = (file: string, sig: string) => updateVerifier({ feedUrl: FEED, publicKeys: [releasePublic], fetchText: feed({ [`${FEED}/${path.basename(file)}.sig`]: sig }).fetchText })(file);
    const tampered = installer('Kassa-0.2.0.AppImage', Buffer.from('an installer of Kassa 0.2.0 with a PIN logger'));
    await expect(verifyWith(tampered, signatureOf('Kassa-0.2.0.AppImage', bytes))).rejects.toThrow(/not signed by Kassa's release key/);
    await expect(verifyWith(installer(), signatureOf('Kassa-0.2.0.AppImage', bytes, stranger.privateKey))).rejects.toThrow(UpdateRefusedError);
    // The same bytes published under another name (an old, vulnerable version served as the new one) do not carry over.
    await expect(verifyWith(installer('Kassa-0.2.0.AppImage'), signatureOf('Kassa-0.1.0.AppImage', bytes))).rejects.toThrow(UpdateRefusedError);
    await expect(verifyWith(installer(), 'not a signature')).rejects.toThrow(UpdateRefusedError);
  });

  it('refuses an installer with no signature on the feed, and every update when the build has no release key', async () => {
    await expect(updateVerifier({ feedUrl: FEED, publicKeys: [releasePublic], fetchText: feed({}).fetchText })(installer())).rejects.toThrow(/signature could not be fetched .*404/);
    const f = feed({ [`${FEED}/Kassa-0.2.0.AppImage.sig`]: signatureOf('Kassa-0.2.0.AppImage', bytes) });
    await expect(updateVerifier({ feedUrl: FEED, publicKeys: [], fetchText: f.fetchText })(installer())).rejects.toThrow(/no release key/);
  });

  it("the release script's keys and signatures are the ones the register checks", async () => {
    const { dir } = makeTempDir('kassa-release-');
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    execFileSync(process.execPath, ['scripts/update-signing.mjs', 'keygen', path.join(dir, 'keys')], { cwd: ROOT });
    if (process.platform !== 'win32') expect(fs.statSync(path.join(dir, 'keys', 'release-key.pem')).mode & 0o777).toBe(0o600);
    const file = installer();
    execFileSync(process.execPath, ['scripts/update-signing.mjs', 'sign', path.join(dir, 'keys', 'release-key.pem'), file], { cwd: ROOT });
    const publicKey = fs.readFileSync(path.join(dir, 'keys', 'release-key.pub.pem'), 'utf8');
    const sig = fs.readFileSync(`${file}.sig`, 'utf8');
    await expect(updateVerifier({ feedUrl: FEED, publicKeys: [publicKey], fetchText: feed({ [`${FEED}/Kassa-0.2.0.AppImage.sig`]: sig }).fetchText })(file)).resolves.toBeUndefined();
  });
});
