// Shared rollup recipe for a package's npm build: ESM + CJS from src, dependencies kept external.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import typescript from '@rollup/plugin-typescript';

/** Every dependency and peer of the package, and their subpaths, stay out of the bundle. */
export function externalsOf(pkgDir) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
  return (id) => id.startsWith('node:') || names.some((name) => id === name || id.startsWith(`${name}/`));
}

/** The TypeScript plugin for one package; declarations come from tsc (scripts/build-types.mjs). */
export function typescriptFor(pkgDir, compilerOptions = {}) {
  return typescript({
    tsconfig: join(pkgDir, 'tsconfig.json'),
    // Siblings are type-checked from source ("@headcount/source"), so the build needs no prior .d.ts.
    compilerOptions: { declaration: false, noEmit: false, outDir: undefined, ...compilerOptions },
    include: [join(pkgDir, 'src/**/*.ts'), join(pkgDir, 'src/**/*.tsx')],
    exclude: [join(pkgDir, 'src/**/__tests__/**')],
  });
}

/**
 * ESM (`dist/<name>.js`) and CJS (`dist/<name>.cjs`) builds of the given entries.
 * @param {string} pkgDir
 * @param {Record<string, string>} entries name -> source path relative to pkgDir
 * @param {{ plugins?: import('rollup').Plugin[] }} [options]
 */
export function libraryBuild(pkgDir, entries, options = {}) {
  const input = Object.fromEntries(Object.entries(entries).map(([name, src]) => [name, join(pkgDir, src)]));
  return {
    input,
    external: externalsOf(pkgDir),
    plugins: [...(options.plugins ?? []), typescriptFor(pkgDir)],
    output: [
      { dir: join(pkgDir, 'dist'), format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name].js' },
      { dir: join(pkgDir, 'dist'), format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name].cjs', exports: 'named' },
    ],
    onwarn(warning, warn) {
      if (warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
  };
}
