import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApp, onCaughtError } from './app/app.tsx';
import './index.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const { App } = createApp();

createRoot(root, { onCaughtError }).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
