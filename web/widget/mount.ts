import { WIDGET_CSS } from './styles.js';

/**
 * Where the widget renders: a shadow root on its own host element, so the host page's styles cannot
 * reach in and the widget's cannot leak out. Styles are a constructed stylesheet (adoptedStyleSheets),
 * which a host's Content-Security-Policy `style-src` does not govern; a browser without them gets a
 * <style> element (it then needs `style-src 'unsafe-inline'`, docs/widget.md).
 */
export function shadowMount(parent: HTMLElement, accent: string | null): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement('div');
  host.setAttribute('data-sinew-widget', '');
  parent.appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  const css = accent ? `${WIDGET_CSS}:host{--sw-accent:${accent}}` : WIDGET_CSS;
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    (root as ShadowRoot).appendChild(style);
  }
  return { host, root };
}
