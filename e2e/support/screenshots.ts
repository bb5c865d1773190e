import { copyFile, mkdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Screenshots the page into e2e/artifacts/NAME.png and, when docs/NAME.png is missing or
 * UPDATE_SCREENSHOTS=1, into the README's docs/ (not on every run: the status corner changes each time).
 * Returns the PNG's size in bytes.
 */
export async function saveScreenshot(page: Page, name: string): Promise<number> {
  const artifact = `${ROOT}e2e/artifacts/${name}.png`;
  const docs = `${ROOT}docs/${name}.png`;
  await mkdir(`${ROOT}e2e/artifacts`, { recursive: true });
  await page.screenshot({ path: artifact, animations: 'disabled' });
  if (!existsSync(docs) || process.env.UPDATE_SCREENSHOTS === '1') {
    await mkdir(`${ROOT}docs`, { recursive: true });
    await copyFile(artifact, docs);
  }
  return (await stat(artifact)).size;
}
