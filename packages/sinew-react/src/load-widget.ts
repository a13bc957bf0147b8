import type { SinewGlobal } from './sinew-handle.js';

/** Loads `<apiUrl>/widget.js` once per page (one script element, shared by every provider). */
export function loadWidget(apiUrl: string): Promise<SinewGlobal> {
  const w = window as unknown as { Sinew?: SinewGlobal; __sinewLoading?: Promise<SinewGlobal> };
  if (w.Sinew) return Promise.resolve(w.Sinew);
  w.__sinewLoading ??= new Promise<SinewGlobal>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = `${apiUrl.replace(/\/+$/, '')}/widget.js`;
    script.async = true;
    script.onload = () => (w.Sinew ? resolve(w.Sinew) : reject(new Error('widget.js loaded without window.Sinew')));
    script.onerror = () => reject(new Error(`could not load ${script.src}`));
    document.head.appendChild(script);
  });
  return w.__sinewLoading;
}
