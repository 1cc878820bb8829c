/** The console's pages live under /console/<page>; HQ answers every such path with the app (an SPA). */
import { useEffect, useState } from 'react';

export const PAGES = ['stores', 'registers', 'people', 'catalog', 'promotions', 'money', 'fleet', 'audit', 'users'] as const;
export type Page = (typeof PAGES)[number];

const BASE = '/console';

export function currentPath(): string {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : window.location.pathname;
  return path.replace(/^\/+|\/+$/g, '');
}

export function navigate(path: string): void {
  window.history.pushState(null, '', `${BASE}/${path}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return path;
}
