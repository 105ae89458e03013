import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';

import './i18n';
import './styles.css';
import { App } from './app';

const container = document.getElementById('root');
if (container === null) {
  throw new Error('index.html has no element with id "root"');
}

createRoot(container).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
