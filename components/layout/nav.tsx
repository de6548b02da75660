"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "@/components/ui/cx";

export const NAV_ITEMS = [
  { href: "/", label: "Overview" },
  { href: "/endpoints", label: "Endpoints" },
  { href: "/sweeps", label: "Sweeps" },
  { href: "/incidents", label: "Incidents" },
  { href: "/criteria", label: "Criteria" },
] as const;

export function isActive(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/";
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function Nav() {
  const pathname = usePathname() ?? "/";
  return (
    <nav
      aria-label="Main"
      className="order-last -mx-2 -mb-px flex h-10 w-[calc(100%+1rem)] items-stretch gap-1 overflow-x-auto lg:order-none lg:mx-0 lg:h-12 lg:w-auto lg:min-w-0"
    >
      {NAV_ITEMS.map((item) => {
        const active = isActive(pathname, item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={cx(
              "flex items-center whitespace-nowrap border-b-2 px-2.5 text-sm transition-colors",
              active ? "border-accent font-medium text-fg" : "border-transparent text-muted hover:border-line-strong hover:text-fg",
            )}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
