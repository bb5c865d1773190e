// One visit every library case replays: the same calls, the same landing, so the stored results compare.

/** Where the visitor lands and where from: a LinkedIn post with a tagged link. */
export const LANDING_PATH = '/pricing.html';
export const LANDING_SEARCH = '?utm_source=linkedin&utm_medium=social&utm_campaign=spring-launch&utm_content=carousel';
export const REFERRER = 'https://www.linkedin.com/feed/';
export const EXPECTED_TOUCH = { type: 'social', source: 'linkedin', host: 'www.linkedin.com' } as const;
export const EXPECTED_CAMPAIGN = { source: 'linkedin', medium: 'social', name: 'spring-launch', content: 'carousel' } as const;

/** The calls, in order: page and track while anonymous, then identify, group and alias. */
export const CALLS = ['page', 'track', 'identify', 'group', 'alias'] as const;
export const TRACK_EVENT = 'Plan Chosen';

/** What a case's page is told: where the collector is and under which ids the visitor goes. */
export interface ScenarioConfig {
  writeKey: string;
  /** The collector as the libraries reach it: `http://localhost:<port>`. */
  collector: string;
  /** A delivery mode the library offers: analytics-next `default`/`batching`, RudderStack `default`/`beacon`. */
  mode: string;
  userId: string;
  groupId: string;
  /** The new id `alias` gives the identified user. */
  aliasTo: string;
}

/** What the page reports back: the library's own view of the visitor, and when the calls were made (page clock). */
export interface ScenarioResult {
  anonymousId: string;
  /** RudderStack's numeric session id; null for libraries without sessions. */
  sessionId: number | null;
  from: number;
  to: number;
}

declare global {
  interface Window {
    /** Loads the bundled library offline, makes the CALLS and reports; defined by the page's bundle. */
    compatScenario?: (config: ScenarioConfig) => Promise<ScenarioResult>;
  }
}
