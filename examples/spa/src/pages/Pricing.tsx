import { useHeadcount } from '@headcount/react';
import { useState } from 'react';

const PLANS = [
  { id: 'starter', name: 'Starter', price: '$0', per: 'forever', perks: ['3 notebooks', '1 GB of attachments', 'Community support'] },
  { id: 'team', name: 'Team', price: '$8', per: 'per user / month', perks: ['Unlimited notebooks', 'Shared workspaces', 'Version history'], featured: true },
  { id: 'enterprise', name: 'Enterprise', price: 'Let’s talk', per: 'yearly contract', perks: ['SSO and audit log', 'Data residency', 'A named contact'] },
];

export function Pricing() {
  const headcount = useHeadcount();
  const [chosen, setChosen] = useState<string | null>(null);

  const choose = (plan: string) => {
    headcount.track('Plan Selected', { plan });
    setChosen(plan);
  };

  return (
    <section>
      <h1>Simple pricing</h1>
      <p className="lead">Start free, upgrade when your team grows.</p>
      <div className="plans">
        {PLANS.map((plan) => (
          <article key={plan.id} className={`plan${plan.featured ? ' featured' : ''}${chosen === plan.id ? ' chosen' : ''}`}>
            <h2>{plan.name}</h2>
            <p className="price">{plan.price} <span>{plan.per}</span></p>
            <ul>
              {plan.perks.map((perk) => <li key={perk}>{perk}</li>)}
            </ul>
            <button type="button" className={`button${plan.featured ? '' : ' ghost'}`} onClick={() => choose(plan.id)}>
              Choose {plan.name}
            </button>
          </article>
        ))}
      </div>
      <p className="notice" aria-live="polite">{chosen ? `You picked ${PLANS.find((p) => p.id === chosen)?.name}: that was a “Plan Selected” event.` : ''}</p>
    </section>
  );
}
