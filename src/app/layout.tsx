import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { Providers } from '../components/providers.client';
import { NONCE_HEADER } from '../lib/http/security-headers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Operator Console', template: '%s · Operator Console' },
  description: 'See and steer the network of people your organization works with.',
};

// Reading the request's nonce (src/proxy.ts) makes every page render per request: a page prerendered
// at build time would carry no nonce, and the Content-Security-Policy would block its scripts.
export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  return (
    // next-themes sets the theme class before React hydrates; the attribute differs from the server's.
    <html lang="en" suppressHydrationWarning>
      <body>
        <Providers nonce={nonce}>{children}</Providers>
      </body>
    </html>
  );
}
