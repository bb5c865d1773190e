// Third-party libraries reach a test page the way a site ships them: bundled from npm with esbuild.
import { build } from 'esbuild';

/** Bundles `entry` (a TypeScript module) and everything it imports into one browser IIFE. */
export async function bundleForPage(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
  return output.text;
}
