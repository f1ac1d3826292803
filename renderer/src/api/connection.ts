// Where the status server is and its token: from the preload in Electron, from ?token= (kept in sessionStorage) in a browser.
import type { MminionsBridge } from './bridge';

export interface Connection {
  /** Origin of the status server, without a trailing slash. */
  baseUrl: string;
  token: string;
}

export const TOKEN_STORAGE_KEY = 'mminions.token';

export class MissingTokenError extends Error {
  constructor() {
    super('This page was opened without its access token. Open the URL that `mminions server` printed (it ends in ?token=...).');
    this.name = 'MissingTokenError';
  }
}

/** Splits `?token=` off a page URL; the rest of the URL (path, other parameters, hash) is kept. */
export function takeTokenFromUrl(href: string): { token: string | null; cleanUrl: string } {
  const url = new URL(href);
  const token = url.searchParams.get('token');
  if (token === null) return { token: null, cleanUrl: href };
  url.searchParams.delete('token');
  const search = url.searchParams.toString();
  return { token: token || null, cleanUrl: `${url.pathname}${search ? `?${search}` : ''}${url.hash}` };
}

export interface BrowserPage {
  location: { href: string; origin: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void };
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
}

export async function resolveConnection(bridge: MminionsBridge | null, page: BrowserPage): Promise<Connection> {
  if (bridge) {
    const info = await bridge.server();
    return { baseUrl: info.url.replace(/\/+$/, ''), token: info.token };
  }
  const { token, cleanUrl } = takeTokenFromUrl(page.location.href);
  if (token) {
    page.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
    // The token must not stay in the address bar, the history or a copied link.
    page.history.replaceState(page.history.state, '', cleanUrl);
  }
  const kept = token ?? page.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  if (!kept) throw new MissingTokenError();
  return { baseUrl: page.location.origin, token: kept };
}
