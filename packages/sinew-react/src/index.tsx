import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef } from 'react';
import { loadWidget } from './load-widget.js';
import { createSinewHandle, type SinewHandle, type SinewOptions } from './sinew-handle.js';

export type { SinewHandle, SinewOptions } from './sinew-handle.js';

const SinewContext = createContext<SinewHandle | null>(null);

/**
 * Loads Sinew's widget.js from `apiUrl` and initialises it once (docs/widget.md); its children reach
 * the widget through `useSinew()`. `getToken` is read when asked, so a new function each render is fine.
 */
export function SinewProvider(props: SinewOptions & { children?: ReactNode }) {
  const getToken = useRef(props.getToken);
  getToken.current = props.getToken;
  // biome-ignore lint/correctness/useExhaustiveDependencies: initialised once per API, environment, key and container; getToken is read through a ref, and a new brand object each render must not re-create the widget.
  const handle = useMemo(
    () =>
      createSinewHandle(
        loadWidget(props.apiUrl).then((sinew) => {
          sinew.init({
            apiUrl: props.apiUrl,
            envId: props.envId,
            publicKey: props.publicKey,
            container: props.container,
            brand: props.brand,
            getToken: () => getToken.current(),
          });
          return sinew;
        }),
      ),
    [props.apiUrl, props.envId, props.publicKey, props.container],
  );
  useEffect(() => () => handle.close(), [handle]);
  return <SinewContext.Provider value={handle}>{props.children}</SinewContext.Provider>;
}

/** The widget's calls (`open`, `link`, `reconnect`, `close`, `on`) inside a `<SinewProvider>`. */
export function useSinew(): SinewHandle {
  const handle = useContext(SinewContext);
  if (!handle) throw new Error('useSinew() needs a <SinewProvider> above it');
  return handle;
}
