// The demo app's keys, kept beside the embedded database: a secret key is shown only when it is
// issued, so later starts read it back from this file to print it again.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const DEMO_APP = 'demo';

async function readSaved(file) {
  try {
    const saved = JSON.parse(await readFile(file, 'utf8'));
    return typeof saved?.writeKey === 'string' && typeof saved?.secretKey === 'string' ? saved : null;
  } catch {
    return null;
  }
}

/** True when the collector at `url` accepts `secretKey` for reads. */
async function secretWorks(url, secretKey) {
  const res = await fetch(`${url}/v1/events?limit=1`, { headers: { Authorization: `Bearer ${secretKey}` } });
  await res.body?.cancel();
  return res.ok;
}

/**
 * Makes sure the app `demo` exists and that `file` holds working keys for it.
 * @returns {Promise<{ appId: string, writeKey: string, secretKey: string, origin: 'created' | 'saved' | 'rotated' }>}
 */
export async function ensureDemoApp({ apps, url, file }) {
  const existing = await apps.findByName(DEMO_APP);
  let keys;
  let origin;
  if (!existing) {
    const { app, secretKey } = await apps.create({ name: DEMO_APP });
    keys = { appId: app.id, writeKey: app.writeKey, secretKey };
    origin = 'created';
  } else {
    const saved = await readSaved(file);
    if (saved && saved.appId === existing.id && saved.writeKey === existing.writeKey && (await secretWorks(url, saved.secretKey))) {
      return { ...saved, origin: 'saved' };
    }
    // The file is missing or stale (another database, or `headcount apps rotate demo`): issue a new secret.
    const { app, secretKey } = await apps.rotateSecret(DEMO_APP);
    keys = { appId: app.id, writeKey: app.writeKey, secretKey };
    origin = 'rotated';
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return { ...keys, origin };
}
