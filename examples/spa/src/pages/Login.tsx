import { useHeadcount } from '@headcount/react';
import { useState, type FormEvent } from 'react';
import { saveDemoUser } from '../demoUser';
import { navigate } from '../router';

export function Login() {
  const headcount = useHeadcount();
  const [name, setName] = useState('Ada Lovelace');
  const [email, setEmail] = useState('ada@example.com');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const userId = email.trim().toLowerCase();
    if (!userId) return;
    // Links this browser's anonymous visitor to the user from now on.
    headcount.identify(userId, { name: name.trim(), email: userId });
    headcount.track('Logged In');
    saveDemoUser({ id: userId, name: name.trim() || userId });
    navigate('/');
  };

  return (
    <section className="login">
      <h1>Log in</h1>
      <p className="lead">Any name and email will do: this is a demo.</p>
      <form onSubmit={submit} className="form">
        <label>
          Name
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        </label>
        <label>
          Email
          <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required />
        </label>
        <button type="submit" className="button big">Log in</button>
      </form>
    </section>
  );
}
