/**
 * A one-time sign-in link (`/dashboard#ticket=...`, printed by `pnpm start`): the ticket is in the fragment, which
 * never reaches a server or its logs; it is taken out of the address at once and exchanged, once, for the key.
 */
export async function redeemTicketFromLocation(): Promise<string | undefined> {
  const match = location.hash.match(/^#ticket=([\w-]+)$/);
  if (!match) return undefined;
  history.replaceState(history.state, '', location.pathname + location.search);
  const res = await fetch('/dashboard/ticket', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ticket: match[1] }), cache: 'no-store',
  }).catch(() => undefined);
  if (!res?.ok) return undefined;
  const body = (await res.json()) as { key?: unknown };
  return typeof body.key === 'string' ? body.key : undefined;
}
