import Link from 'next/link';

export default function NotFound() {
  return (
    <main>
      <h1>Page not found</h1>
      <p className="lead">There is no page at this address.</p>
      <Link href="/">Back to the start page</Link>
    </main>
  );
}
