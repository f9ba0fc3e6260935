import path from 'path';
import type { Configuration } from 'webpack';

// The browser harness of the end-to-end test (harness.tsx): React, @grafana/data, @grafana/ui and the
// rest of what Grafana shares with plugins, bundled once into harness/dist/harness.js.
const config: Configuration = {
  mode: 'development',
  devtool: false,
  context: __dirname,
  entry: './harness.tsx',
  output: { path: path.resolve(__dirname, 'dist'), filename: 'harness.js', clean: true },
  resolve: { extensions: ['.tsx', '.ts', '.mjs', '.js'] },
  module: {
    rules: [
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      {
        test: /\.tsx?$/,
        exclude: /node_modules/,
        use: {
          loader: 'swc-loader',
          options: {
            jsc: {
              target: 'es2020',
              parser: { syntax: 'typescript', tsx: true },
              transform: { react: { runtime: 'classic' } },
            },
          },
        },
      },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(svg|png|woff2?|ttf|eot)$/, type: 'asset/resource' },
    ],
  },
  performance: { hints: false },
};

export default config;
