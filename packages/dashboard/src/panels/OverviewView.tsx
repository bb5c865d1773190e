import type { AppSummary } from '../api/readApi';
import type { FilterName } from '../state/viewState';
import { BreakdownPanel, type BreakdownTab } from './BreakdownPanel';
import { EventProperties } from './EventProperties';
import { LivePanel } from './LivePanel';
import { SeriesChart } from './SeriesChart';
import type { StatsScope } from './statsScope';
import { TopLine } from './TopLine';

const visits = { measure: 'sessions', measureLabel: 'Sessions' } as const;
const views = { measure: 'events', measureLabel: 'Views' } as const;

const PAGES: BreakdownTab[] = [
  { by: 'page', label: 'Top pages', filter: 'page', ...views },
  { by: 'entry', label: 'Entry', filter: 'page', ...visits },
  { by: 'exit', label: 'Exit', filter: 'page', ...visits },
];
// Channels hold AI assistants (ai) and paid click ids (paid) as their own rows.
const SOURCES: BreakdownTab[] = [
  { by: 'channel', label: 'Channel', filter: 'channel', drillTo: 'source', ...visits },
  { by: 'source', label: 'Source', filter: 'source', drillTo: 'campaign', ...visits },
  { by: 'campaign', label: 'Campaign', filter: 'campaign', ...visits },
];
const DEVICES: BreakdownTab[] = [
  { by: 'device', label: 'Type', filter: 'device', ...visits },
  { by: 'browser', label: 'Browser', filter: 'browser', ...visits },
  { by: 'os', label: 'OS', filter: 'os', ...visits },
];
const EVENTS: BreakdownTab[] = [{ by: 'event', label: 'Event', filter: 'event', measure: 'events', measureLabel: 'Count' }];

interface Props { app: AppSummary; scope: StatsScope; onFilter(name: FilterName, value: string): void }

export function OverviewView({ app, scope, onFilter }: Props) {
  return (
    <>
      <div className="overview-head">
        <LivePanel app={app} timeZone={scope.timeZone} />
        <TopLine scope={scope} />
      </div>
      <SeriesChart scope={scope} />
      <div className="grid">
        <BreakdownPanel title="Pages" tabs={PAGES} scope={scope} onFilter={onFilter} />
        <BreakdownPanel title="Sources" tabs={SOURCES} scope={scope} onFilter={onFilter} />
        <BreakdownPanel title="Devices" tabs={DEVICES} scope={scope} onFilter={onFilter} />
        <BreakdownPanel title="Events" tabs={EVENTS} scope={scope} onFilter={onFilter} />
        {scope.filters.event && <EventProperties event={scope.filters.event} scope={scope} />}
      </div>
    </>
  );
}
