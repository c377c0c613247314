// Builds the plugin's React bundles into the Python package, where collectstatic and the wheel pick them up.
// webpack-bundle-tracker writes the stats file that django-webpack-loader reads (netbox_attachments/bundles.py).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniCssExtractPlugin from 'mini-css-extract-plugin';
import BundleTracker from 'webpack-bundle-tracker';

const here = path.dirname(fileURLToPath(import.meta.url));
const pluginDir = path.resolve(here, '../netbox_attachments');

export default (_env, argv) => {
  const production = argv.mode !== 'development';
  return {
    mode: production ? 'production' : 'development',
    context: here,
    entry: {
      // Each page loads only its own entry; previews and dialogs used on demand are split off by import().
      'object-widget': './src/entrypoints/object-widget.tsx',
      manager: './src/entrypoints/manager.tsx',
    },
    output: {
      path: path.join(pluginDir, 'static/netbox_attachments/dist'),
      filename: production ? '[name].[contenthash:8].js' : '[name].js',
      chunkFilename: production ? 'chunks/[name].[contenthash:8].js' : 'chunks/[name].js',
      // Lazy chunks are fetched relative to the entry script, so NetBox's STATIC_URL and BASE_PATH need no setting.
      publicPath: 'auto',
      clean: true,
    },
    resolve: { extensions: ['.tsx', '.ts', '.js'] },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          loader: 'esbuild-loader',
          options: { target: 'es2020', jsx: 'automatic' },
          exclude: /node_modules/,
        },
        // Imported CSS becomes a .css file (the styles chunk below), linked by render_bundle '<entry>' 'css'.
        { test: /\.css$/, use: [MiniCssExtractPlugin.loader, 'css-loader'] },
      ],
    },
    plugins: [
      new MiniCssExtractPlugin({ filename: production ? '[name].[contenthash:8].css' : '[name].css' }),
      new BundleTracker({ path: pluginDir, filename: 'webpack-stats.json', relativePath: true }),
    ],
    devtool: production ? false : 'eval-source-map',
    stats: 'errors-warnings',
    performance: { hints: false }, // scripts/bundle-size.mjs checks the budget that matters: gzipped bytes per page
    optimization: {
      splitChunks: {
        cacheGroups: {
          // React and the libraries in one file that both pages load (render_bundle puts it before the entry), so
          // the browser fetches it once and takes it from its cache on the other page. Its content hash changes only
          // when the libraries (or the parts of them the code uses) do.
          vendor: { test: /[\\/]node_modules[\\/]/, name: 'vendor', chunks: 'all' },
          // One stylesheet for both pages, for the same reason.
          styles: { type: 'css/mini-extract', name: 'styles', chunks: 'all', enforce: true },
        },
      },
    },
  };
};
