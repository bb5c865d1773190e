import { ActiveUsers, useHeadcount } from '@headcount/react';
import { saveDemoUser, useDemoUser } from './demoUser';
import { Link, navigate } from './router';

export function Header({ writeKey }: { writeKey: string }) {
  const headcount = useHeadcount();
  const user = useDemoUser();

  const logOut = () => {
    headcount.track('Logged Out');
    // A shared computer: the next person is a new visitor.
    headcount.reset();
    saveDemoUser(null);
    navigate('/');
  };

  return (
    <header className="header">
      <Link to="/" className="brand">
        <span className="brand-mark" aria-hidden="true">N</span>
        Northwind Notes
      </Link>
      <nav className="nav" aria-label="Main">
        <Link to="/">Home</Link>
        <Link to="/pricing">Pricing</Link>
        <Link to="/docs">Docs</Link>
      </nav>
      <div className="header-end">
        {/* host "" = this page's origin: the demo collector serves the SPA too. */}
        <ActiveUsers host="" writeKey={writeKey} className="online" />
        {user ? (
          <span className="user">
            <span className="avatar" aria-hidden="true">{user.name.slice(0, 1).toUpperCase()}</span>
            <span className="user-name">{user.name}</span>
            <button type="button" className="button ghost" onClick={logOut}>Log out</button>
          </span>
        ) : (
          <Link to="/login" className="button">Log in</Link>
        )}
      </div>
    </header>
  );
}
