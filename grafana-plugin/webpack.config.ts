import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';
import { BundleSizeReportPlugin } from './build/BundleSizeReportPlugin.ts';

// Extends the scaffolded config (.config/README.md, "Extending the Webpack config"): nested panels'
// logos are not copied by it (create-plugin copies only the root plugin's images), and the build
// reports the bundle size against the budget in build/bundleSize.ts; the repository's dashboards are
// bundled with the app.
const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  return {
    ...base,
    plugins: [
      ...(base.plugins ?? []),
      new CopyWebpackPlugin({
        patterns: [
          { from: 'panels/*/img/**/*', to: '.', noErrorOnMissing: true },
          // The repository's dashboards (dashboards/) ship inside the app and are declared in its includes.
          { from: '../../dashboards/*.json', to: 'dashboards/[name][ext]' },
        ],
      }),
      new BundleSizeReportPlugin(),
    ],
  };
};

export default config;
