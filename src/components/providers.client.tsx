'use client';

import { ThemeProvider } from 'next-themes';
import { NuqsAdapter } from 'nuqs/adapters/next/app';
import type { ReactNode } from 'react';
import { Toaster } from 'sonner';
import { TooltipProvider } from './ui/tooltip';

/**
 * What every page needs in the browser: the theme (system by default), URL state, tooltips, toasts.
 * `nonce` lets the theme's inline script run under the page's Content-Security-Policy.
 */
export function Providers({ children, nonce }: { children: ReactNode; nonce?: string }) {
  return (
    <ThemeProvider
      attribute="class"
      defaultTheme="system"
      enableSystem
      disableTransitionOnChange
      nonce={nonce}
    >
      <NuqsAdapter>
        <TooltipProvider delayDuration={300}>
          {children}
          <Toaster position="bottom-right" richColors closeButton theme="system" />
        </TooltipProvider>
      </NuqsAdapter>
    </ThemeProvider>
  );
}
