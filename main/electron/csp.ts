// A content security policy header on every page the status server sends, and no permissions beyond the clipboard.
import type { Session } from 'electron';
import { isAppUrl } from './links';

export const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Permissions the dashboard may use: writing to the clipboard (the copy buttons). */
export const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export function lockDownSession(session: Session, appOrigin: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url, appOrigin)) {
      callback({ cancel: false });
      return;
    }
    const headers = { ...(details.responseHeaders ?? {}) };
    const has = Object.keys(headers).some((k) => k.toLowerCase() === 'content-security-policy');
    if (!has) headers['Content-Security-Policy'] = [APP_CSP];
    callback({ cancel: false, responseHeaders: headers });
  });
  session.setPermissionRequestHandler((contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && isAppUrl(contents.getURL(), appOrigin));
  });
  session.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin) => ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingOrigin, appOrigin),
  );
}
