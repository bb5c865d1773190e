import { Link } from '../router';

export function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p className="lead">
        Back to the <Link to="/">home page</Link>.
      </p>
    </section>
  );
}
