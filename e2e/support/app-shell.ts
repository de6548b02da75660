import { expect, type Locator, type Page } from "@playwright/test";

export const PAGES = [
  { path: "/", nav: "Overview", heading: "Overview", empty: "No endpoints yet", title: "sweepwatch" },
  { path: "/endpoints", nav: "Endpoints", heading: "Endpoints", empty: "No endpoints watched yet", title: "Endpoints · sweepwatch" },
  { path: "/sweeps", nav: "Sweeps", heading: "Sweeps", empty: "No sweeps yet", title: "Sweeps · sweepwatch" },
  { path: "/incidents", nav: "Incidents", heading: "Incidents", empty: "No incidents", title: "Incidents · sweepwatch" },
  { path: "/criteria", nav: "Criteria", heading: "Criteria", empty: "No success criteria yet", title: "Criteria · sweepwatch" },
] as const;

/** Page object for the parts every page shares: header, navigation, theme toggle, data age, demo banner. */
export class AppShell {
  readonly nav: Locator;
  readonly themeToggle: Locator;
  readonly dataAge: Locator;
  readonly demoBanner: Locator;
  readonly main: Locator;

  constructor(readonly page: Page) {
    this.nav = page.getByRole("navigation", { name: "Main" });
    this.themeToggle = page.getByRole("button", { name: /switch to (dark|light) theme/i });
    this.dataAge = page.getByRole("group", { name: "Data age" });
    this.demoBanner = page.getByRole("complementary", { name: "Demo mode" });
    this.main = page.getByRole("main");
  }

  navLink(name: string): Locator {
    return this.nav.getByRole("link", { name, exact: true });
  }

  async goto(path: string) {
    const res = await this.page.goto(path);
    return res;
  }

  /** Resolves once React has hydrated the header (the toggle's label only settles on the client). */
  async waitForHydration() {
    await expect(this.themeToggle).toBeVisible();
  }

  async isDark(): Promise<boolean> {
    return this.page.evaluate(() => document.documentElement.classList.contains("dark"));
  }
}
