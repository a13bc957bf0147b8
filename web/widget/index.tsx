// The embeddable widget (issue #16): `window.Sinew`. Built into dist/public/widget.js (docs/widget.md).

import { startConnectPage } from './connect-page.js';
import { SinewWidget } from './widget-controller.js';

const w = window as unknown as { Sinew?: SinewWidget };
// Loaded twice (two script tags): the first one stays, with its listeners.
w.Sinew ??= new SinewWidget();

// On Sinew's hosted connect page (a magic link), the page is the widget.
const page = document.querySelector<HTMLElement>('[data-sinew-connect]');
if (page) void startConnectPage(page);
