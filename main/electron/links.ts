// Which URLs may leave the app for the system browser (GitHub pages only), and which stay inside it (our server).

/** An https://github.com/... URL without credentials or an explicit port. */
export function isGithubUrl(raw: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  return (
    u.protocol === 'https:' &&
    (u.hostname === 'github.com' || u.hostname === 'www.github.com') &&
    u.port === '' &&
    u.username === '' &&
    u.password === ''
  );
}

/** True when `raw` is a page of the status server (same scheme, host and port). */
export function isAppUrl(raw: string, appOrigin: string): boolean {
  try {
    return new URL(raw).origin === new URL(appOrigin).origin;
  } catch {
    return false;
  }
}
