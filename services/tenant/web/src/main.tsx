import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';

import './i18n';
import './styles.css';
import './controls.css';
import { startSessionKeeping } from './api/session';
import { App } from './app';

const container = document.getElementById('root');
if (container === null) {
  throw new Error('index.html has no element with id "root"');
}

// Outside React, so that StrictMode's double effects cannot send the single-use refresh cookie twice.
startSessionKeeping();

createRoot(container).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
