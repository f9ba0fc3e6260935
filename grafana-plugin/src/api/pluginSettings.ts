import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { apiErrorFrom } from './errors';

// Saving the app's settings through Grafana's plugin settings API (specs/grafana-plugin.md §3): the
// server takes plain booleans, so `enabled` and `pinned` are always sent (omitting them would disable
// and unpin the app), and a secret is sent only when it changed (any value, even "", overwrites it).

export interface PluginSettingsUpdate<J> {
  readonly enabled: boolean;
  readonly pinned: boolean;
  readonly jsonData: J;
  /** Only the secrets that changed; undefined when none did. */
  readonly secureJsonData?: Record<string, string>;
}

export async function savePluginSettings<J>(
  pluginId: string,
  update: PluginSettingsUpdate<J>,
): Promise<void> {
  try {
    await lastValueFrom(
      getBackendSrv().fetch({
        url: `/api/plugins/${pluginId}/settings`,
        method: 'POST',
        data: {
          enabled: update.enabled,
          pinned: update.pinned,
          jsonData: update.jsonData,
          ...(update.secureJsonData !== undefined && { secureJsonData: update.secureJsonData }),
        },
        showSuccessAlert: false,
        showErrorAlert: false,
      }),
    );
  } catch (error) {
    throw isFetchError(error)
      ? apiErrorFrom(error.status, error.data, 'Grafana did not save the settings')
      : error;
  }
}
