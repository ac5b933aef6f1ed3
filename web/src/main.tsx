import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/app.tsx';
import { parseRoute } from './lib/router.ts';
import { startFirstScreen } from './state/prefetch.ts';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  // Requested before React renders anything: the session, the list and the thread of the URL.
  const session = startFirstScreen(parseRoute(location));
  createRoot(root).render(
    <StrictMode>
      <App firstSession={session} />
    </StrictMode>,
  );
}
