import { FILTER_NAMES, type FilterName, type Filters } from '../state/viewState';

/** The active filters as removable chips. */
export function FilterChips({ filters, onRemove }: { filters: Filters; onRemove(name: FilterName): void }) {
  const active = FILTER_NAMES.filter((name) => filters[name] !== undefined);
  if (active.length === 0) return null;
  return (
    <ul className="chips" aria-label="Filters">
      {active.map((name) => (
        <li key={name}>
          <span>{name}: <strong>{filters[name]}</strong></span>
          <button type="button" aria-label={`Remove filter ${name}: ${filters[name]}`} onClick={() => onRemove(name)}>×</button>
        </li>
      ))}
    </ul>
  );
}
