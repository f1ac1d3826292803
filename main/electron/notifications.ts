// Desktop notifications for the renderer's notify(): bounded text, a click brings the window back.
import type { BrowserWindow, Notification as NotificationType } from 'electron';
import { clip as clipText } from '../../common/text';

export const MAX_TITLE = 120;
export const MAX_BODY = 400;

/**
 * Notification text: no control characters, and no markup — on Linux the body goes to libnotify,
 * which reads `<b>`, `<a href>` and `&…;` (an issue title is anyone's text): `<`, `>` and `&` become
 * look-alikes that show the same on every platform.
 */
export function clip(s: string, max: number): string {
  const clean = s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ')
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/&/g, '＆')
    .trim();
  return clipText(clean, max);
}

export interface NotifierDeps {
  Notification: typeof NotificationType;
  getWindow: () => BrowserWindow | null;
}

export function makeNotifier(deps: NotifierDeps): (title: string, body: string) => void {
  return (title, body) => {
    if (!deps.Notification.isSupported()) return;
    const n = new deps.Notification({ title: clip(title, MAX_TITLE) || 'mminions', body: clip(body, MAX_BODY) });
    n.on('click', () => {
      const win = deps.getWindow();
      if (!win) return;
      if (win.isMinimized()) win.restore();
      win.focus();
    });
    n.show();
  };
}
