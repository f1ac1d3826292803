// Dashboard entry point: find the status server (preload or ?token=), build the stores, render.
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getBridge } from './api/bridge';
import { MissingTokenError, resolveConnection } from './api/connection';
import { createAppContext, startApp } from './bootstrap';
import { StoresContext } from './stores/context';
import { App } from './views/App';

const root = createRoot(document.getElementById('root')!);

function Problem({ title, message }: { title: string; message: string }) {
  return (
    <main className="problem">
      <h1>{title}</h1>
      <p>{message}</p>
    </main>
  );
}

async function boot(): Promise<void> {
  const bridge = getBridge();
  let conn;
  try {
    conn = await resolveConnection(bridge, window);
  } catch (err) {
    const missing = err instanceof MissingTokenError;
    root.render(
      <Problem title={missing ? 'Access token missing' : 'Cannot find the status server'} message={(err as Error).message} />,
    );
    return;
  }
  const ctx = createAppContext(conn, bridge);
  startApp(ctx);
  root.render(
    <StrictMode>
      <StoresContext.Provider value={ctx}>
        <App />
      </StoresContext.Provider>
    </StrictMode>,
  );
}

void boot();
