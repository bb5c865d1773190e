export function Docs() {
  return (
    <section className="docs">
      <h1>Docs</h1>
      <p className="lead">How this demo measures itself with Headcount.</p>
      <h2>1. Create the client</h2>
      <pre><code>{`import { createHeadcount } from '@headcount/browser';

const headcount = createHeadcount({ writeKey: 'wk_…', host: 'https://collector.example' });`}</code></pre>
      <p>Page views are automatic: the first load and every <code>pushState</code> route change.</p>
      <h2>2. Track what matters</h2>
      <pre><code>{`headcount.track('Plan Selected', { plan: 'team' });
headcount.identify('ada@example.com', { name: 'Ada' });`}</code></pre>
      <h2>3. Show who is here</h2>
      <pre><code>{`import { ActiveUsers } from '@headcount/react';

<ActiveUsers host="https://collector.example" writeKey="wk_…" />`}</code></pre>
    </section>
  );
}
