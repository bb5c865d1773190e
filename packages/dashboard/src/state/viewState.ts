import { useCallback, useEffect, useRef, useState } from 'react';
import { PRESETS, type Preset, type RangeChoice } from '../time/ranges';

/** The filters every stats endpoint takes, in the order chips show them. */
export const FILTER_NAMES = ['channel', 'source', 'campaign', 'page', 'device', 'browser', 'os', 'event'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];
export type Filters = Partial<Record<FilterName, string>>;

export const VIEWS = ['overview', 'kiosks', 'sessions', 'people', 'rejected'] as const;
export type View = (typeof VIEWS)[number];

/** What the address keeps (so a view can be shared or reloaded): never the key. */
export interface ViewState {
  view: View;
  app: string | undefined;
  range: RangeChoice;
  tz: string | undefined;
  filters: Filters;
  session: string | undefined;
}

export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const preset = params.get('range');
  const view = params.get('view');
  const filters: Filters = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  return {
    view: (VIEWS as readonly string[]).includes(view ?? '') ? (view as View) : 'overview',
    app: params.get('app') ?? undefined,
    range: {
      preset: PRESETS.some((p) => p.value === preset) ? (preset as Preset) : '7d',
      fromDate: params.get('from') ?? undefined,
      toDate: params.get('to') ?? undefined,
    },
    tz: params.get('tz') ?? undefined,
    filters,
    session: params.get('session') ?? undefined,
  };
}

export function serializeViewState(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.view !== 'overview') params.set('view', state.view);
  if (state.app) params.set('app', state.app);
  params.set('range', state.range.preset);
  if (state.range.preset === 'custom') {
    if (state.range.fromDate) params.set('from', state.range.fromDate);
    if (state.range.toDate) params.set('to', state.range.toDate);
  }
  if (state.tz) params.set('tz', state.tz);
  for (const name of FILTER_NAMES) {
    const value = state.filters[name];
    if (value) params.set(name, value);
  }
  if (state.session) params.set('session', state.session);
  return `?${params.toString()}`;
}

/** The view state, kept in the address: each change is a history entry, so Back undoes a filter. */
export function useViewState(): [ViewState, (change: Partial<ViewState>) => void] {
  const [state, setState] = useState(() => parseViewState(location.search));
  const current = useRef(state);
  current.current = state;
  useEffect(() => {
    const onPop = () => setState(parseViewState(location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const update = useCallback((change: Partial<ViewState>) => {
    const next = { ...current.current, ...change };
    current.current = next;
    const search = serializeViewState(next);
    if (search !== location.search) history.pushState(null, '', location.pathname + search);
    setState(next);
  }, []);
  return [state, update];
}
