import Link from "next/link";
import type { ReactNode } from "react";
import { LogoMark } from "@/components/ui/icons";
import { Nav } from "./nav";
import { ThemeToggle } from "./theme-toggle";
import { UserMenu } from "@/components/auth/user-menu";

/** Product name, main navigation, and a status slot (data age) on the right. */
export function AppHeader({ status }: { status: ReactNode }) {
  return (
    <header className="sticky top-0 z-30 border-b border-line bg-surface/85 backdrop-blur supports-[backdrop-filter]:bg-surface/75">
      {/* One row from lg up; below, the navigation wraps into a second, scrollable row. */}
      <div className="mx-auto flex max-w-7xl flex-wrap items-stretch gap-x-3 px-4 sm:gap-x-6 sm:px-6 lg:flex-nowrap">
        <Link href="/" className="flex h-12 shrink-0 items-center gap-2 text-fg" aria-label="sweepwatch home">
          <span className="flex size-6 items-center justify-center rounded-md bg-accent text-accent-fg">
            <LogoMark size={16} strokeWidth={2} />
          </span>
          <span className="text-sm font-semibold tracking-tight">sweepwatch</span>
        </Link>
        <Nav />
        <div className="ml-auto flex min-h-12 min-w-0 max-w-full flex-wrap items-center justify-end gap-x-2 gap-y-1 py-1 lg:shrink-0">
          {status}
          <UserMenu />
          <ThemeToggle />
        </div>
      </div>
    </header>
  );
}
