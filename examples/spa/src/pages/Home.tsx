import { Link } from '../router';

const FEATURES = [
  { title: 'Write anywhere', text: 'Notes sync across every device the moment you stop typing.' },
  { title: 'Share with a link', text: 'Invite your team to a notebook, with comments and history.' },
  { title: 'Works offline', text: 'On a plane or a train, keep writing: it catches up when you land.' },
];

export function Home() {
  return (
    <>
      <section className="hero">
        <p className="eyebrow">Notes for busy teams</p>
        <h1>Your team’s memory, in one place.</h1>
        <p className="lead">Northwind Notes keeps meeting notes, decisions and drafts where everyone can find them.</p>
        <div className="actions">
          <Link to="/pricing" className="button big">See pricing</Link>
          <Link to="/docs" className="button big ghost">Read the docs</Link>
        </div>
      </section>
      <section className="features" aria-label="Features">
        {FEATURES.map((feature) => (
          <article key={feature.title} className="feature">
            <h2>{feature.title}</h2>
            <p>{feature.text}</p>
          </article>
        ))}
      </section>
    </>
  );
}
