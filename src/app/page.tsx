import Link from 'next/link';

const FEATURES = [
  {
    title: 'Participants',
    text: 'Everyone your org works with, with role, origin, lifecycle stage and last activity.',
  },
  {
    title: 'Relationship graph',
    text: 'Typed, directed links with their source and confidence, drawn fast even for large networks.',
  },
  {
    title: 'Segments',
    text: 'New, active, at risk, dormant, isolated and highly connected participants, computed for you.',
  },
  {
    title: 'Atlas recommendations',
    text: 'Suggested actions with a plain-language reason and a confidence, to accept or dismiss.',
  },
  {
    title: 'Reversible interventions',
    text: 'Every change records the state before and after, and can be undone with a reason.',
  },
  {
    title: 'Complete audit log',
    text: 'Every view and action is kept, searchable and exportable, scoped to your org.',
  },
];

export default function HomePage() {
  return (
    <main>
      <h1>Operator Console</h1>
      <p className="lead">
        See and steer the network of people your organization works with. Every view and action is scoped to
        one org, checked against your role, and written to the audit log.
      </p>
      <ul className="features">
        {FEATURES.map((f) => (
          <li key={f.title}>
            <h2>{f.title}</h2>
            <p>{f.text}</p>
          </li>
        ))}
      </ul>
      <Link className="button" href="/sign-in">
        Sign in
      </Link>
      <footer>
        API health: <a href="/api/health">/api/health</a> · API description:{' '}
        <a href="/api/openapi.json">/api/openapi.json</a>
      </footer>
    </main>
  );
}
