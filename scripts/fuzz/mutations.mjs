// What the fuzz does to a valid Segment event, each mutation with the verdict the collector must reach.
// `store`: still valid (lenient forms, odd but legal values); `reject`: the event alone is rejected.
// A `deep` mutation leaves a marker that becomes nesting too deep for JSON.stringify in the body's text.

const STRINGS = ['😀 emoji', 'עברית RTL', 'e\u0301 combining', 'a'.repeat(300), '<script>alert(1)</script>', "' OR 1=1 --", '\\u0000 literal'];

export const DEEP_MARKER = (depth) => `__deep_${depth}__`;

/** Each mutation: name, verdict, the types it applies to (all when absent), and whether single-type paths may carry it. */
export const MUTATIONS = [
  // Lenient or unusual, and valid.
  { name: 'numeric userId', verdict: 'store', apply: (e, r) => { e.userId = 1 + r.int(1e9); } },
  { name: 'type in capitals', verdict: 'store', apply: (e) => { e.type = e.type.toUpperCase(); } },
  { name: 'screen size as strings', verdict: 'store', apply: (e) => { e.context.screen = { width: '1280', height: ' 720 ', density: '2' }; } },
  { name: 'unknown top-level fields', verdict: 'store', apply: (e) => { Object.assign(e, { channel: 'server', projectId: 'p', version: 2, integrations: { All: true } }); } },
  { name: 'no messageId', verdict: 'store', apply: (e) => { delete e.messageId; } },
  { name: 'odd strings', verdict: 'store', apply: (e, r) => { e.context.note = r.pick(STRINGS); } },
  { name: 'nested 40 deep', verdict: 'store', apply: (e) => { e.context.deep = DEEP_MARKER(40); } },
  { name: 'time with an offset', verdict: 'store', apply: (e) => { e.timestamp = new Date().toISOString().replace('Z', '+00:00'); } },
  { name: 'numeric session id', verdict: 'store', apply: (e, r) => { e.context.sessionId = 1_700_000_000_000 + r.int(1e9); } },
  { name: 'anonymousId null beside a userId', verdict: 'store', apply: (e) => { e.anonymousId = null; e.userId = e.userId ?? 'u-fuzz'; } },
  { name: '20 KB of properties', verdict: 'store', apply: (e) => { e.context.blob = 'b'.repeat(20_000); } },
  { name: 'year 0001 on a clock that says so', verdict: 'store', apply: (e) => { e.timestamp = '0001-01-01T00:00:00Z'; e.sentAt = '0001-01-01T00:00:00Z'; } },

  // Invalid: rejected alone, kept in the dead-letter store.
  { name: 'no identity', verdict: 'reject', apply: (e) => { delete e.anonymousId; delete e.userId; } },
  { name: 'type a number', verdict: 'reject', apply: (e) => { e.type = 42; } },
  { name: 'unknown type', verdict: 'reject', apply: (e) => { e.type = 'click'; } },
  { name: 'track without event', verdict: 'reject', types: ['track'], apply: (e) => { delete e.event; } },
  { name: 'event an object', verdict: 'reject', types: ['track'], apply: (e) => { e.event = { name: 'x' }; } },
  { name: 'properties an array', verdict: 'reject', types: ['track', 'page', 'screen'], apply: (e) => { e.properties = [1, 2]; } },
  { name: 'nested past 64', verdict: 'reject', apply: (e, r) => { e.context.deep = DEEP_MARKER(65 + r.int(3000)); } },
  { name: 'year 0000', verdict: 'reject', apply: (e) => { e.timestamp = '0000-01-01T00:00:00Z'; } },
  { name: 'not a date', verdict: 'reject', apply: (e) => { e.timestamp = 'yesterday'; } },
  { name: 'corrected out of range', verdict: 'reject', apply: (e) => { e.timestamp = '1000-01-01T00:00:00Z'; e.sentAt = '9999-01-01T00:00:00Z'; } },
  { name: 'NUL in a string', verdict: 'reject', apply: (e) => { e.context.note = 'a\u0000b'; } },
  { name: 'unpaired surrogate', verdict: 'reject', apply: (e) => { e.context.note = 'half \ud800 pair'; } },
  { name: 'over 32 KB', verdict: 'reject', apply: (e) => { e.context.blob = 'b'.repeat(40_000); } },
  { name: 'messageId over 100', verdict: 'reject', apply: (e) => { e.messageId = 'm'.repeat(101); } },
  { name: 'screen width a word', verdict: 'reject', apply: (e) => { e.context.screen = { width: 'wide' }; } },
  { name: 'context a string', verdict: 'reject', apply: (e) => { e.context = 'ctx'; } },
  { name: 'not an object', verdict: 'reject', batchOnly: true, replace: (r) => r.pick([42, 'event', null, [1]]) },
];
