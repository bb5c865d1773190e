import { expect, it } from 'vitest';
import { parseViewState, serializeViewState } from '../viewState';

it('keeps range, zone, filters and view in the address, and reads them back', () => {
  const search = '?view=sessions&app=app_1&range=custom&from=2026-01-01&to=2026-01-07&tz=Europe%2FParis&source=google&page=%2Fpricing';
  const state = parseViewState(search);
  expect(state).toEqual({
    view: 'sessions', app: 'app_1', range: { preset: 'custom', fromDate: '2026-01-01', toDate: '2026-01-07' },
    tz: 'Europe/Paris', filters: { source: 'google', page: '/pricing' }, session: undefined,
  });
  expect(parseViewState(serializeViewState(state))).toEqual(state);
});

it('falls back to the overview of the last 7 days for what it does not know', () => {
  expect(parseViewState('?view=admin&range=forever&key=sk_x')).toMatchObject({ view: 'overview', range: { preset: '7d' }, filters: {} });
});
