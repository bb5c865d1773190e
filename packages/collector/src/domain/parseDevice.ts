import { isbot } from 'isbot';
import UAParser from 'ua-parser-js';
import type { Device } from '@headcount/schema';

const CACHE_SIZE = 2000;
// Visitors share a few hundred user agents: parse each once (ua-parser's regex pass is the costly part of ingest).
const cache = new Map<string, Device>();

const UNKNOWN: Device = { browser: null, browserVersion: null, os: null, osVersion: null, type: 'desktop', bot: false };

/** Browser, OS, device type and bot flag from a user agent string. */
export function parseDevice(userAgent: string | null | undefined): Device {
  if (!userAgent) return UNKNOWN;
  const cached = cache.get(userAgent);
  if (cached) return cached;
  const result = new UAParser(userAgent).getResult();
  const device: Device = {
    browser: result.browser.name ?? null,
    browserVersion: result.browser.version ?? null,
    os: result.os.name ?? null,
    osVersion: result.os.version ?? null,
    // ua-parser leaves desktops untyped.
    type: result.device.type ?? 'desktop',
    bot: isbot(userAgent),
  };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(userAgent, device);
  return device;
}
