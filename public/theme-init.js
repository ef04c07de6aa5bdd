// Sets <html data-theme> before the first paint (blocking, and not inline: the CSP allows only
// scripts from 'self'). Same key and rule as src/lib/theme.ts, which takes over once loaded.
/* global window, document */
(function () {
  var choice = 'system';
  try {
    choice = window.localStorage.getItem('uploads-console:theme') || choice;
  } catch {
    // no storage (privacy mode): follow the system
  }
  var dark = choice === 'dark' || (choice !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
})();
