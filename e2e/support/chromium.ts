import { chromium, type Browser } from 'playwright';

/** Debian's Chromium (CHROMIUM_PATH overrides it): Playwright's own browser downloads are not used. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
