import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '../components/providers.client';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Operator Console', template: '%s · Operator Console' },
  description: 'See and steer the network of people your organization works with.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // next-themes sets the theme class before React hydrates; the attribute differs from the server's.
    <html lang="en" suppressHydrationWarning>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
