import type { HeadcountClient } from '@headcount/browser';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { HeadcountProvider } from '../HeadcountProvider';
import { useHeadcount } from '../useHeadcount';

const client = { track: () => undefined } as unknown as HeadcountClient;

function Tracker() {
  const headcount = useHeadcount();
  return <span>{headcount === client ? 'same client' : 'other'}</span>;
}

describe('HeadcountProvider / useHeadcount', () => {
  it('gives components the client', () => {
    expect(
      renderToString(
        <HeadcountProvider client={client}>
          <Tracker />
        </HeadcountProvider>,
      ),
    ).toBe('<span>same client</span>');
  });

  it('throws a clear error outside the provider', () => {
    expect(() => renderToString(<Tracker />)).toThrow(/useHeadcount\(\) must be used inside <HeadcountProvider/);
  });
});
