import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Card } from '../../components/ui/card';
import { safeReturnPath } from '../../lib/safe-redirect';
import { pageUser } from '../console/page-guard';
import { SignInForm } from './sign-in-form.client';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeReturnPath((await searchParams).next);
  if (await pageUser()) redirect(next);
  return (
    <main className="flex min-h-dvh items-center justify-center bg-muted/40 p-4">
      <Card className="w-full max-w-sm p-6">
        <div className="mb-5 grid gap-1">
          <h1 className="text-xl font-semibold tracking-tight">Sign in</h1>
          <p className="text-sm text-muted-foreground">Operator Console</p>
        </div>
        <SignInForm next={next} />
      </Card>
    </main>
  );
}
