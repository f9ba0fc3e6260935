import React, { createContext, useContext } from 'react';
import { Observable } from 'rxjs';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import type { BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { useStyles2 } from '@grafana/ui';

// A minimal stand-in for what the plugin takes from @grafana/runtime, for the browser harness: the
// BackendSrv's fetch (plain window.fetch to the harness server, which plays Grafana's plugin proxy and
// settings API), isFetchError and PluginPage. Anything else the plugin reads from the module fails
// loudly (see runtimeModule), so a gap in the stand-in cannot pass unnoticed.

function fetchObservable<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
  return new Observable((subscriber) => {
    const controller = new AbortController();
    const url = new URL(options.url, window.location.origin);
    for (const [key, value] of Object.entries(options.params ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    const hasBody = options.data !== undefined;
    window
      .fetch(url, {
        method: options.method ?? 'GET',
        headers: { Accept: 'application/json', ...(hasBody && { 'Content-Type': 'application/json' }) },
        body: hasBody ? JSON.stringify(options.data) : undefined,
        signal: controller.signal,
      })
      .then(async (res) => {
        const text = await res.text();
        let data: unknown = text;
        try {
          data = text === '' ? undefined : JSON.parse(text);
        } catch {
          // Not JSON: keep the text, as Grafana does.
        }
        if (!res.ok) {
          const error: FetchError = { status: res.status, statusText: res.statusText, data, config: options };
          subscriber.error(error);
          return;
        }
        subscriber.next({
          data: data as T,
          status: res.status,
          statusText: res.statusText,
          ok: res.ok,
          headers: res.headers,
          redirected: res.redirected,
          type: res.type,
          url: res.url,
          config: options,
        });
        subscriber.complete();
      })
      .catch((err: unknown) => {
        const error: FetchError = { status: 0, statusText: String(err), data: { message: String(err) }, config: options };
        subscriber.error(error);
      });
    return () => controller.abort();
  });
}

const backendSrv = { fetch: fetchObservable };

/** The page title the shell shows for the current route (Grafana takes it from the plugin's nav). */
export const PageTitleContext = createContext('');

function PluginPage({ children, actions }: { children?: React.ReactNode; actions?: React.ReactNode }) {
  const styles = useStyles2(getStyles);
  const title = useContext(PageTitleContext);
  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <h1 className={styles.title}>{title}</h1>
        {actions}
      </header>
      {children}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ padding: theme.spacing(2, 3) }),
  header: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    marginBottom: theme.spacing(2),
  }),
  title: css({ margin: 0, fontSize: theme.typography.h2.fontSize }),
});

const members: Record<string, unknown> = {
  getBackendSrv: () => backendSrv,
  isFetchError: (e: unknown): e is FetchError => typeof e === 'object' && e !== null && 'status' in e && 'data' in e,
  PluginPage,
};

/** The module the plugin's AMD define receives for "@grafana/runtime". */
export const runtimeModule = new Proxy(members, {
  get(target, name) {
    if (typeof name === 'symbol' || name === '__esModule' || name === 'default' || name === 'then') {
      return name === '__esModule' ? true : undefined;
    }
    if (!(name in target)) {
      throw new Error(`the harness's @grafana/runtime stand-in has no "${name}"`);
    }
    return target[name];
  },
});
