// The application menu keeps the edit roles (copy/paste) and shows the dev tools only when asked.
import { describe, expect, it } from 'vitest';
import { menuTemplate } from './menu';

describe('menuTemplate', () => {
  it('has the edit menu on every platform and the app menu on macOS', () => {
    const mac = menuTemplate('darwin', { devTools: false });
    expect(mac[0]).toEqual({ role: 'appMenu' });
    expect(mac.some((m) => m.role === 'editMenu')).toBe(true);
    const linux = menuTemplate('linux', { devTools: true });
    expect(linux[0]!.label).toBe('File');
    const view = linux.find((m) => m.label === 'View')!.submenu as Array<{ role?: string }>;
    expect(view.some((i) => i.role === 'toggleDevTools')).toBe(true);
    const viewNoDev = menuTemplate('linux', { devTools: false }).find((m) => m.label === 'View')!.submenu as Array<{
      role?: string;
    }>;
    expect(viewNoDev.some((i) => i.role === 'toggleDevTools')).toBe(false);
  });
});
