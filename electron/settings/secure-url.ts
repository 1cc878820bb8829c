/**
 * What the register may talk to in plain http: only this machine (the demo, the tests). Anything else must
 * be https, since PINs, the device token and the update feed would otherwise cross the network readable.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** An https URL, or a plain http one to this machine. */
export function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

export const SECURE_URL_RULE = 'must be an https URL (plain http only on this machine: 127.0.0.1, localhost, ::1)';
