import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { safeReturnPath } from '../../lib/safe-redirect';
import { pageUser } from '../console/page-session';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeReturnPath((await searchParams).next);
  if (await pageUser()) redirect(next);
  return (
    <main className="narrow">
      <h1>Sign in</h1>
      <p className="lead">Operator Console</p>
      <SignInForm next={next} />
    </main>
  );
}
