import { libraryBuild } from '../../scripts/rollup-library.mjs';

/** Bundles `import sql from './x.sql?raw'` as a string, as vite does in tests. */
function rawSql() {
  return {
    name: 'raw-sql',
    async resolveId(source, importer) {
      if (!source.endsWith('?raw')) return null;
      const resolved = await this.resolve(source.slice(0, -4), importer, { skipSelf: true });
      return resolved ? `${resolved.id}?raw` : null;
    },
    async load(id) {
      if (!id.endsWith('?raw')) return null;
      const { readFile } = await import('node:fs/promises');
      return `export default ${JSON.stringify(await readFile(id.slice(0, -4), 'utf8'))};`;
    },
  };
}

export default [
  libraryBuild('packages/collector', { index: 'src/index.ts', cli: 'src/cli.ts' }, { plugins: [rawSql()] }),
];
