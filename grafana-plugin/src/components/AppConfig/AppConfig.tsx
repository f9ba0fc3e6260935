import React, { type SyntheticEvent, useState } from 'react';
import { css } from '@emotion/css';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack, useStyles2 } from '@grafana/ui';
import { costscale } from '../../api/client';
import { describeError } from '../../api/errors';
import { savePluginSettings } from '../../api/pluginSettings';
import type { Whoami } from '../../api/types';
import { testIds } from '../testIds';

export interface AppSettings {
  /** Base URL of the costscale adapter, e.g. https://costscale.costscale.svc (the proxy appends /api/…). */
  adapterUrl?: string;
}

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

type Connection =
  | { readonly status: 'idle' }
  | { readonly status: 'testing' }
  | { readonly status: 'ok'; readonly whoami: Whoami }
  | { readonly status: 'failed'; readonly message: string };

/** An absolute http(s) URL without a trailing slash, or why the text is not one. */
export function normaliseAdapterUrl(text: string): { url: string } | { error: string } {
  const trimmed = text.trim().replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return { error: 'Enter an absolute URL such as https://costscale.costscale.svc' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { error: 'The URL must start with http:// or https://' };
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    return { error: 'The URL must not have a query or fragment' };
  }
  return { url: trimmed };
}

export interface AppConfigFormProps extends AppConfigProps {
  /** Called after a save: Grafana does not refresh plugin meta in place, a reload shows the saved state. */
  readonly reload: () => void;
}

export function AppConfigForm({ plugin, reload }: AppConfigFormProps) {
  const styles = useStyles2(getStyles);
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const savedUrl = jsonData?.adapterUrl ?? '';
  const [adapterUrl, setAdapterUrl] = useState(savedUrl);
  const [apiKey, setApiKey] = useState('');
  const [apiKeySet, setApiKeySet] = useState(Boolean(secureJsonFields?.apiKey));
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | undefined>(undefined);
  const [connection, setConnection] = useState<Connection>({ status: 'idle' });

  const url = normaliseAdapterUrl(adapterUrl);
  // A reset key must be replaced: Grafana would store an empty one otherwise.
  const keyChanged = apiKey !== '';
  const dirty = adapterUrl !== savedUrl || keyChanged;
  const canSave = 'url' in url && (apiKeySet || apiKey !== '') && dirty && !saving;

  const onSubmit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!canSave || !('url' in url)) {
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      await savePluginSettings(plugin.meta.id, {
        enabled: Boolean(enabled),
        pinned: Boolean(pinned),
        jsonData: { ...jsonData, adapterUrl: url.url },
        secureJsonData: keyChanged ? { apiKey } : undefined,
      });
      reload();
    } catch (error) {
      setSaveError(describeError(error));
      setSaving(false);
    }
  };

  const onTest = async () => {
    setConnection({ status: 'testing' });
    try {
      setConnection({ status: 'ok', whoami: await costscale.whoami() });
    } catch (error) {
      setConnection({ status: 'failed', message: describeError(error) });
    }
  };

  return (
    <form onSubmit={onSubmit} className={styles.form}>
      <FieldSet label="costscale adapter">
        <Field
          label="Adapter URL"
          description="Where Grafana reaches the costscale adapter's REST API. Grafana's server calls it, not the browser."
          invalid={adapterUrl !== '' && 'error' in url}
          error={'error' in url ? url.error : undefined}
        >
          <Input
            width={60}
            id="config-adapter-url"
            data-testid={testIds.appConfig.adapterUrl}
            value={adapterUrl}
            placeholder="https://costscale.costscale.svc"
            onChange={(e) => setAdapterUrl(e.currentTarget.value)}
          />
        </Field>
        <Field
          label="API key"
          description="A costscale API key (costscale apikey create --role viewer|operator|admin). Stored encrypted by Grafana and sent by its proxy as Authorization: Bearer."
        >
          <SecretInput
            width={60}
            id="config-api-key"
            data-testid={testIds.appConfig.apiKey}
            value={apiKey}
            isConfigured={apiKeySet}
            placeholder="cs_…"
            onChange={(e) => setApiKey(e.currentTarget.value.trim())}
            onReset={() => {
              setApiKey('');
              setApiKeySet(false);
            }}
          />
        </Field>
        {saveError && (
          <Alert severity="error" title="The settings were not saved">
            {saveError}
          </Alert>
        )}
        <Stack gap={1}>
          <Button type="submit" data-testid={testIds.appConfig.submit} disabled={!canSave}>
            {saving ? 'Saving…' : 'Save settings'}
          </Button>
          <Button
            type="button"
            variant="secondary"
            icon="heart-rate"
            data-testid={testIds.appConfig.testConnection}
            disabled={dirty || !savedUrl || connection.status === 'testing'}
            tooltip={dirty ? 'Save first: the test goes through Grafana with the saved settings.' : undefined}
            onClick={onTest}
          >
            {connection.status === 'testing' ? 'Testing…' : 'Test connection'}
          </Button>
        </Stack>
        <div data-testid={testIds.appConfig.connectionResult} className={styles.result}>
          {connection.status === 'ok' && (
            <Alert severity="success" title="Connected to costscale">
              Authenticated as {connection.whoami.actor} with the {connection.whoami.role} role.
            </Alert>
          )}
          {connection.status === 'failed' && (
            <Alert severity="error" title="Connection failed">
              {connection.message}
            </Alert>
          )}
        </div>
      </FieldSet>
    </form>
  );
}

const AppConfig = (props: AppConfigProps) => (
  <AppConfigForm {...props} reload={() => window.location.reload()} />
);

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({ maxWidth: theme.breakpoints.values.md }),
  result: css({ marginTop: theme.spacing(2) }),
});
