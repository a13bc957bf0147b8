/** How an OAuth pop-up ended: Sinew's callback page's message, or the user closed it first. */
export interface PopupOutcome {
  ok: boolean;
  code: string;
  message: string;
}

/**
 * Runs an authorization in a pop-up. The window is opened at once, inside the click (browsers block
 * pop-ups opened later), and sent to the provider once Sinew has answered the authorization URL.
 * Sinew's callback page posts the outcome to its opener (only to origins the owner allowed); only a
 * message from Sinew's own origin is believed.
 */
export function oauthPopup(apiOrigin: string, authorizationUrl: Promise<string>): Promise<PopupOutcome> {
  const popup = window.open('about:blank', 'sinew-oauth', 'popup,width=520,height=720');
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: PopupOutcome): void => {
      if (done) return;
      done = true;
      window.removeEventListener('message', onMessage);
      clearInterval(watch);
      resolve(o);
    };
    const onMessage = (e: MessageEvent): void => {
      const d = e.data as Partial<PopupOutcome> & { type?: string };
      if (e.origin !== apiOrigin || d?.type !== 'sinew:oauth') return;
      finish({ ok: d.ok === true, code: String(d.code ?? 'unknown'), message: String(d.message ?? '') });
    };
    window.addEventListener('message', onMessage);
    // Closed without a message: cancelled, or the owner allowed no origin for the message (the caller looks).
    const watch = setInterval(() => {
      if (!popup || popup.closed) finish({ ok: false, code: 'closed', message: 'The sign-in window was closed.' });
    }, 500);
    authorizationUrl.then(
      (url) => {
        if (popup && !popup.closed) popup.location.href = url;
        else
          finish({
            ok: false,
            code: 'popup_blocked',
            message: 'The browser blocked the sign-in window: allow pop-ups for this page and try again.',
          });
      },
      (e: Error) => {
        popup?.close();
        finish({ ok: false, code: (e as { code?: string }).code ?? 'start_failed', message: e.message });
      },
    );
  });
}
