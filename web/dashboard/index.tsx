// The owner's dashboard (issue #17), served at `/`. Built into dist/public/dashboard.js.
import { render } from 'preact';
import { App } from './app.js';
import { STYLES } from './styles.js';

const style = document.createElement('style');
style.textContent = STYLES;
document.head.append(style);

const root = document.getElementById('sinew-dashboard');
if (root) render(<App />, root);
