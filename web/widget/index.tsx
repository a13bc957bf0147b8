// The embeddable widget (issue #16): `window.Sinew`. Built into dist/public/widget.js.
(window as unknown as { Sinew: object }).Sinew = {};
