import type { Metadata } from "next";
import Link from "next/link";
import { UserMenu } from "@/components/app/user-menu";
import { projectsPath, workersPath } from "@/lib/client/paths";
import "./globals.css";

// Every page carries a fresh script nonce in its Content-Security-Policy (src/server/http/security-headers.ts),
// so none may be prerendered with scripts that lack it.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "fleetdeck", template: "%s · fleetdeck" },
  description: "Run web agents in bulk and watch them live.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex h-14 max-w-7xl items-center gap-6 px-4">
            <Link href={projectsPath} className="text-lg font-semibold tracking-tight text-slate-900">
              fleetdeck
            </Link>
            <nav aria-label="Main" className="flex gap-4">
              <Link href={projectsPath} className="text-sm text-slate-600 hover:text-slate-900">
                Projects
              </Link>
              <Link href={workersPath} className="text-sm text-slate-600 hover:text-slate-900">
                Workers
              </Link>
            </nav>
            <UserMenu />
          </div>
        </header>
        <main id="main" className="mx-auto max-w-7xl px-4 py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
