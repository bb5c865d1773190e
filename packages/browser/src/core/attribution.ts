/** Marketing attribution read from the landing URL when a session starts. */
import type { Attribution } from './ports';

// In the order that gzips smallest (measured; only looked up).
const CLICK_IDS = 'wbraid gbraid twclid fbclid msclkid ttclid li_fat_id gclid dclid'.split(' ');

/** `utm_*` parameters become `campaign` (`utm_campaign` is its `name`); known ad click ids become `clickIds`. */
export function captureAttribution(params: Iterable<[string, string]>): Attribution {
  const a: Attribution = {};
  for (const [key, value] of params) {
    const utm = key.startsWith('utm_') && key.slice(4);
    if (utm) (a.campaign ||= {})[utm == 'campaign' ? 'name' : utm] = value;
    else if (CLICK_IDS.includes(key)) (a.clickIds ||= {})[key] = value;
  }
  return a;
}
