"use client";

// Replaces the root layout when it fails, so it brings its own document and minimal styles.
export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", margin: 0, padding: "4rem 1.5rem", textAlign: "center" }}>
        <title>sweepwatch: error</title>
        <h1 style={{ fontSize: "1.25rem", fontWeight: 600 }}>sweepwatch could not render this page</h1>
        <p style={{ color: "#5f5f69", fontSize: "0.875rem" }}>
          The server log has the details. A common cause is an invalid environment variable; <code>npx sweepwatch doctor</code>{" "}
          explains it.
        </p>
        <button type="button" onClick={() => retry()} style={{ marginTop: "1rem", padding: "0.4rem 0.9rem", cursor: "pointer" }}>
          Try again
        </button>
      </body>
    </html>
  );
}
