import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', react: 'src/react/index.ts', 'react-native': 'src/react-native/index.ts', 'service-worker': 'src/service-worker.ts', server: 'src/server/index.ts', cli: 'src/cli/oncely.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Dependencies stay imports: the app's bundler dedupes them and tree-shakes per subpath.
  // oncely/server takes the app's pg / PGlite / Redis client as an argument and imports none of them.
  external: ['ky', 'uuid', 'idb-keyval', 'react', 'pg', '@electric-sql/pglite', 'ioredis', 'redis'],
})
