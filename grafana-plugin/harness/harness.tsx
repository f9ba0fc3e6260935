import React, { Component, type ErrorInfo, Suspense, type ComponentType } from 'react';
import * as ReactModule from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as ReactRouter from 'react-router';
import { BrowserRouter, NavLink, Route, Routes, useLocation } from 'react-router-dom';
import * as rxjs from 'rxjs';
import * as emotionCss from '@emotion/css';
import { css } from '@emotion/css';
import * as grafanaData from '@grafana/data';
import { type AppPlugin, type AppPluginMeta, createTheme, type GrafanaTheme2 } from '@grafana/data';
import * as grafanaUi from '@grafana/ui';
import { GlobalStyles, LoadingPlaceholder, ThemeContext, useStyles2 } from '@grafana/ui';
import { PageTitleContext, runtimeModule } from './runtime';

// The browser harness: plays the part of Grafana for the built plugin. It loads dist/module.js as
// Grafana's SystemJS does (an AMD module whose dependencies are the shared libraries), then renders
// the app's root page under /a/<plugin id>/ and its configuration page under /plugins/<plugin id>, with
// Grafana's dark theme, a navigation built from plugin.json, and @grafana/runtime replaced by the
// stand-in in runtime.tsx. window.harness tells the end-to-end test when it is ready and what failed.

interface PluginJson {
  id: string;
  name: string;
  includes?: Array<{ type: string; name: string; path?: string }>;
  info: { logos: { small: string } };
}

interface HarnessState {
  ready: boolean;
  errors: string[];
}

declare global {
  interface Window {
    harness: HarnessState;
    define?: ((deps: string[], factory: (...modules: unknown[]) => unknown) => void) & { amd?: object };
  }
}

window.harness = { ready: false, errors: [] };
window.addEventListener('error', (e) => window.harness.errors.push(`error: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => window.harness.errors.push(`unhandled rejection: ${String(e.reason)}`));

const PLUGIN_ID = 'costscale-autoscaling-app';
const PUBLIC = `/public/plugins/${PLUGIN_ID}/`;

const shared: Record<string, unknown> = {
  react: ReactModule,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  'react-router': ReactRouter,
  rxjs,
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/runtime': runtimeModule,
};

/** Loads an AMD module by script tag, resolving its dependencies from the shared libraries. */
function loadAmdModule(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const define = (deps: string[], factory: (...modules: unknown[]) => unknown) => {
      try {
        const modules = deps.map((dep) => {
          if (dep === 'module') {
            return { uri: url, id: url };
          }
          if (!(dep in shared)) {
            throw new Error(`${url} needs "${dep}", which the harness does not provide`);
          }
          return shared[dep];
        });
        resolve(factory(...modules) as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    };
    window.define = Object.assign(define, { amd: {} });
    const script = document.createElement('script');
    script.src = url;
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
}

class ErrorBoundary extends Component<{ children: React.ReactNode }, { error?: Error }> {
  state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    window.harness.errors.push(`render: ${error.message}\n${info.componentStack ?? ''}`);
  }

  render() {
    return this.state.error ? (
      <pre data-testid="harness-render-error">{this.state.error.stack}</pre>
    ) : (
      this.props.children
    );
  }
}

interface ShellProps {
  plugin: AppPlugin;
  pluginJson: PluginJson;
}

function Shell({ plugin, pluginJson }: ShellProps) {
  const styles = useStyles2(getStyles);
  const location = useLocation();
  const pages = (pluginJson.includes ?? []).filter((i) => i.type === 'page' && i.path);
  const current = pages.find((p) => p.path && location.pathname.startsWith(p.path));
  const Root = plugin.root as ComponentType<Pick<grafanaData.AppRootProps, 'meta' | 'basename'>>;
  const ConfigBody = plugin.configPages?.[0]?.body as ComponentType<grafanaData.PluginConfigPageProps<AppPluginMeta>>;
  return (
    <div className={styles.shell}>
      <nav className={styles.nav} aria-label="costscale">
        <div className={styles.brand}>
          <img src={`${PUBLIC}${pluginJson.info.logos.small}`} alt="" width={24} height={24} />
          {pluginJson.name}
        </div>
        {pages.map((p) => (
          <NavLink key={p.path} to={p.path!} className={({ isActive }) => (isActive ? styles.active : styles.link)}>
            {p.name}
          </NavLink>
        ))}
      </nav>
      <main className={styles.main}>
        <ErrorBoundary>
          <PageTitleContext.Provider value={current?.name ?? pluginJson.name}>
            <Suspense fallback={<LoadingPlaceholder text="Loading…" />}>
              <Routes>
                <Route
                  path={`/a/${PLUGIN_ID}/*`}
                  element={<Root meta={plugin.meta} basename={`/a/${PLUGIN_ID}`} />}
                />
                <Route
                  path={`/plugins/${PLUGIN_ID}`}
                  element={
                    <div className={styles.config}>
                      <h1>Configuration</h1>
                      <ConfigBody plugin={plugin as unknown as grafanaData.GrafanaPlugin<AppPluginMeta>} query={{}} />
                    </div>
                  }
                />
              </Routes>
            </Suspense>
          </PageTitleContext.Provider>
        </ErrorBoundary>
      </main>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  shell: css({ display: 'flex', minHeight: '100vh', background: theme.colors.background.canvas }),
  nav: css({
    width: 220,
    flexShrink: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    padding: theme.spacing(2, 1),
    background: theme.colors.background.primary,
    borderRight: `1px solid ${theme.colors.border.weak}`,
  }),
  brand: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0, 1, 2),
    fontWeight: theme.typography.fontWeightMedium,
  }),
  link: css({ padding: theme.spacing(0.75, 1), borderRadius: theme.shape.radius.default, color: theme.colors.text.secondary }),
  active: css({
    padding: theme.spacing(0.75, 1),
    borderRadius: theme.shape.radius.default,
    color: theme.colors.text.primary,
    background: theme.colors.action.selected,
  }),
  main: css({ flex: 1, minWidth: 0 }),
  config: css({ padding: theme.spacing(2, 3) }),
});

async function boot() {
  const [pluginJson, settings] = await Promise.all([
    fetch(`${PUBLIC}plugin.json`).then((r) => r.json() as Promise<PluginJson>),
    fetch(`/api/plugins/${PLUGIN_ID}/settings`).then((r) => r.json() as Promise<Partial<AppPluginMeta>>),
  ]);
  const exports = await loadAmdModule(`${PUBLIC}module.js`);
  const plugin = exports.plugin as AppPlugin;
  // As Grafana does: meta from plugin.json and the org's settings, then init.
  const meta = { ...(pluginJson as unknown as AppPluginMeta), ...settings, baseUrl: PUBLIC } as AppPluginMeta;
  plugin.meta = meta;
  plugin.init(meta);
  const theme = createTheme({ colors: { mode: 'dark' } });
  createRoot(document.getElementById('root')!).render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <BrowserRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <Shell plugin={plugin} pluginJson={pluginJson} />
      </BrowserRouter>
    </ThemeContext.Provider>
  );
  window.harness.ready = true;
}

boot().catch((error: unknown) => {
  window.harness.errors.push(`boot: ${error instanceof Error ? error.stack : String(error)}`);
  document.getElementById('root')!.textContent = `harness failed to start: ${String(error)}`;
});
