import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { API, fakeBackend, ok, problem } from '../../testing/backend';
import { testIds } from '../testIds';
import { AppConfigForm, type AppSettings, normaliseAdapterUrl } from './AppConfig';

const backend = fakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backend.fetch }),
}));

const reload = jest.fn();
beforeEach(() => {
  backend.requests.length = 0;
  reload.mockClear();
});

function props(meta: Partial<AppPluginMeta<AppSettings>>): PluginConfigPageProps<AppPluginMeta<AppSettings>> {
  return {
    plugin: {
      meta: { id: 'costscale-autoscaling-app', enabled: true, pinned: false, jsonData: {}, ...meta },
    },
    query: {},
  } as unknown as PluginConfigPageProps<AppPluginMeta<AppSettings>>;
}

describe('the configuration page', () => {
  it('saves the URL and the key with enabled and pinned, then reloads', async () => {
    backend.on('POST', '/api/plugins/costscale-autoscaling-app/settings', ok({}));
    render(<AppConfigForm reload={reload} {...props({})} />);
    await userEvent.type(
      screen.getByTestId(testIds.appConfig.adapterUrl),
      'https://costscale.costscale.svc:6443/',
    );
    await userEvent.type(screen.getByTestId(testIds.appConfig.apiKey), 'cs_secret');
    await userEvent.click(screen.getByTestId(testIds.appConfig.submit));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(backend.requests[0]).toMatchObject({
      url: '/api/plugins/costscale-autoscaling-app/settings',
      method: 'POST',
      data: {
        enabled: true,
        pinned: false,
        jsonData: { adapterUrl: 'https://costscale.costscale.svc:6443' },
        secureJsonData: { apiKey: 'cs_secret' },
      },
    });
  });

  it('leaves a configured key alone when only the URL changes', async () => {
    backend.on('POST', '/api/plugins/costscale-autoscaling-app/settings', ok({}));
    render(
      <AppConfigForm
        reload={reload}
        {...props({ jsonData: { adapterUrl: 'http://old:8443' }, secureJsonFields: { apiKey: true } })}
      />,
    );
    const url = screen.getByTestId(testIds.appConfig.adapterUrl);
    await userEvent.clear(url);
    await userEvent.type(url, 'http://new:8443');
    await userEvent.click(screen.getByTestId(testIds.appConfig.submit));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(backend.requests[0]!.data).toEqual({
      enabled: true,
      pinned: false,
      jsonData: { adapterUrl: 'http://new:8443' },
    });
  });

  it('shows why a URL is not accepted and does not save it', async () => {
    render(<AppConfigForm reload={reload} {...props({ secureJsonFields: { apiKey: true } })} />);
    await userEvent.type(screen.getByTestId(testIds.appConfig.adapterUrl), 'ftp://costscale');
    expect(screen.getByText('The URL must start with http:// or https://')).toBeInTheDocument();
    expect(screen.getByTestId(testIds.appConfig.submit)).toBeDisabled();
    expect(normaliseAdapterUrl('costscale:6443')).toEqual({
      error: 'The URL must start with http:// or https://',
    });
    expect(normaliseAdapterUrl('https://x/?a=1')).toEqual({
      error: 'The URL must not have a query or fragment',
    });
  });

  it('keeps the form when Grafana refuses to save', async () => {
    backend.on('POST', '/api/plugins/costscale-autoscaling-app/settings', {
      status: 403,
      data: { message: 'Permission denied' },
    });
    render(<AppConfigForm reload={reload} {...props({ secureJsonFields: { apiKey: true } })} />);
    await userEvent.type(screen.getByTestId(testIds.appConfig.adapterUrl), 'http://costscale:8443');
    await userEvent.click(screen.getByTestId(testIds.appConfig.submit));
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
    expect(reload).not.toHaveBeenCalled();
  });

  it('tests the saved connection through the proxy and says who the key is', async () => {
    backend.on('GET', `${API}/whoami`, ok({ actor: 'apikey:grafana', kind: 'apikey', role: 'operator' }));
    render(
      <AppConfigForm
        reload={reload}
        {...props({ jsonData: { adapterUrl: 'http://costscale:8443' }, secureJsonFields: { apiKey: true } })}
      />,
    );
    await userEvent.click(screen.getByTestId(testIds.appConfig.testConnection));
    expect(
      await screen.findByText(/Authenticated as apikey:grafana with the operator role/),
    ).toBeInTheDocument();
  });

  it('explains a rejected key', async () => {
    backend.on('GET', `${API}/whoami`, problem(401, 'unknown or revoked API key'));
    render(
      <AppConfigForm
        reload={reload}
        {...props({ jsonData: { adapterUrl: 'http://costscale:8443' }, secureJsonFields: { apiKey: true } })}
      />,
    );
    await userEvent.click(screen.getByTestId(testIds.appConfig.testConnection));
    expect(
      await screen.findByText(/rejected the API key \(401\): unknown or revoked API key/),
    ).toBeInTheDocument();
  });

  it('cannot test unsaved settings', async () => {
    render(
      <AppConfigForm
        reload={reload}
        {...props({ jsonData: { adapterUrl: 'http://costscale:8443' }, secureJsonFields: { apiKey: true } })}
      />,
    );
    await userEvent.type(screen.getByTestId(testIds.appConfig.adapterUrl), '0');
    // Grafana's Button keeps a button with a tooltip focusable and marks it aria-disabled.
    expect(screen.getByTestId(testIds.appConfig.testConnection)).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(screen.getByTestId(testIds.appConfig.testConnection));
    expect(backend.requests).toEqual([]);
  });
});
