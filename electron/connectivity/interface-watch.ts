import { hasUsableInterface } from '../hq/http';

/**
 * Watches the OS's network interfaces and calls `onChange` when a usable one appears or disappears. Only a
 * hint: the connectivity machine answers it with an immediate probe, never with a verdict.
 */
export function watchInterfaces(onChange: (usable: boolean) => void, intervalMs = 2000, probe = hasUsableInterface): () => void {
  let usable = probe();
  const timer = setInterval(() => {
    const now = probe();
    if (now !== usable) {
      usable = now;
      onChange(now);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
