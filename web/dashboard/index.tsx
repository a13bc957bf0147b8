// The owner's dashboard (issue #17), served at `/`. Built into dist/public/dashboard.js.
import { render } from 'preact';

const root = document.getElementById('sinew-dashboard');
if (root) render(<p>Sinew</p>, root);
