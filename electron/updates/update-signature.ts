import { createHash, createPublicKey, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * An update installs only if Kassa's release key signed it. electron-updater checks the download against
 * the sha512 in the feed's latest*.yml, but the feed writes that file too: whoever controls the feed
 * controls both. So each installer on the feed has a detached signature beside it, `<installer>.sig`: the
 * base64 Ed25519 signature, by the release key, of `updateSignedMessage(name, sha512)`. The register hashes
 * the file it downloaded, fetches the signature and checks it against the public keys built into it.
 */
export const updateSignedMessage = (fileName: string, sha512Base64: string): Buffer => Buffer.from(`kassa-update:v1:${fileName}:${sha512Base64}`, 'utf8');

export class UpdateRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpdateRefusedError';
  }
}

export async function sha512Base64(file: string): Promise<string> {
  const hash = createHash('sha512');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('base64');
}

/** Whether `signature` is one of `publicKeys` (Ed25519, PEM) signing `message`. */
export function signedByReleaseKey(message: Buffer, signature: Buffer, publicKeys: readonly string[]): boolean {
  return publicKeys.some((pem) => {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' && verify(null, message, key, signature);
  });
}

export interface UpdateVerifierOptions {
  /** settings `updates.url` */
  feedUrl: string;
  /** The release keys' public halves (Ed25519, PEM) built into this version. */
  publicKeys: readonly string[];
  /** Fetches `<installer>.sig` from the feed (https: settings refuse anything else off this machine). */
  fetchText?: (url: string) => Promise<string>;
}

const fetchText = async (url: string): Promise<string> => {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`the feed answered ${response.status}`);
  return response.text();
};

/** Resolves when the downloaded installer is signed by a release key; rejects with UpdateRefusedError saying why not. */
export function updateVerifier(o: UpdateVerifierOptions): (downloadedFile: string) => Promise<void> {
  return async (downloadedFile) => {
    const name = path.basename(downloadedFile);
    if (o.publicKeys.length === 0) throw new UpdateRefusedError(`${name} is not installed: this version of Kassa has no release key to check an update's signature with`);
    const url = new URL(`${encodeURIComponent(name)}.sig`, o.feedUrl.endsWith('/') ? o.feedUrl : `${o.feedUrl}/`).toString();
    let signature: Buffer;
    try {
      signature = Buffer.from((await (o.fetchText ?? fetchText)(url)).trim(), 'base64');
    } catch (error) {
      throw new UpdateRefusedError(`${name} is not installed: its signature could not be fetched from ${url} (${(error as Error).message})`);
    }
    const message = updateSignedMessage(name, await sha512Base64(downloadedFile));
    if (!signedByReleaseKey(message, signature, o.publicKeys)) throw new UpdateRefusedError(`${name} is not installed: it is not signed by Kassa's release key`);
  };
}
