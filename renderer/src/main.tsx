// Dashboard entry point (the full dashboard arrives with the dashboard issue).
import { createRoot } from 'react-dom/client';

function App() {
  return (
    <main>
      <h1>mminions</h1>
      <p>Manager-first bug reproduction and triage.</p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
