// Electron main process entry: one instance, the sandbox everywhere, then the desktop app (main/electron/app.ts).
import { app, dialog } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDesktopApp } from './electron/app';

const here = dirname(fileURLToPath(import.meta.url));

app.enableSandbox();
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  startDesktopApp({ preloadPath: join(here, '..', 'preload', 'index.cjs') }).catch((err: Error) => {
    dialog.showErrorBox(
      'mminions could not start',
      `${err.message}\n\nThe same dashboard is available without the desktop app: run \`mminions server\` and open the URL it prints.`,
    );
    app.exit(1);
  });
}
