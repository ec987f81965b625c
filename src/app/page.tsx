import { buttonVariants } from '../components/ui/button';
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
    <main className="mx-auto grid max-w-4xl gap-8 px-6 py-16">
      <div className="grid gap-3">
        <h1 className="text-3xl font-semibold tracking-tight">Operator Console</h1>
        <p className="max-w-2xl text-base text-muted-foreground">
          See and steer the network of people your organization works with. Every view and action is scoped to
          one org, checked against your role, and written to the audit log.
        </p>
      </div>
      <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {FEATURES.map((f) => (
          <li key={f.title} className="rounded-lg border border-border bg-card p-4">
            <h2 className="text-sm font-semibold">{f.title}</h2>
            <p className="mt-1 text-sm text-muted-foreground">{f.text}</p>
          </li>
        ))}
      </ul>
      <div>
        <Link className={buttonVariants({ size: 'lg' })} href="/sign-in">
          Sign in
        </Link>
      </div>
      <footer className="text-xs text-muted-foreground">
        API health: <a href="/api/health">/api/health</a> · API description:{' '}
        <a href="/api/openapi.json">/api/openapi.json</a>
      </footer>
    </main>
  );
}
