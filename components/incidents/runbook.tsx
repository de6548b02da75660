import Markdown, { type Components } from "react-markdown";
import type { RunbookDto } from "@/lib/api/specs/incidents";

const components: Components = {
  h1: ({ children }) => <h3 className="mt-4 text-base font-semibold text-fg first:mt-0">{children}</h3>,
  h2: ({ children }) => <h4 className="mt-4 text-sm font-semibold text-fg">{children}</h4>,
  h3: ({ children }) => <h5 className="mt-3 text-sm font-medium text-fg">{children}</h5>,
  p: ({ children }) => <p className="mt-2 text-sm leading-6 text-fg">{children}</p>,
  ul: ({ children }) => <ul className="mt-2 list-disc space-y-1 pl-5 text-sm leading-6">{children}</ul>,
  ol: ({ children }) => <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm leading-6">{children}</ol>,
  a: ({ children, href }) => (
    <a href={href} rel="noreferrer noopener" target="_blank" className="text-accent underline">
      {children}
    </a>
  ),
  pre: ({ children }) => <pre className="mt-2 overflow-x-auto rounded-md border border-line bg-subtle p-3 font-mono text-xs leading-5">{children}</pre>,
  code: ({ children, className }) =>
    className ? <code className={className}>{children}</code> : <code className="rounded bg-subtle px-1 py-0.5 font-mono text-[0.8125rem]">{children}</code>,
};

/** Markdown without raw HTML (skipHtml): notes and runbooks are rendered, never trusted as HTML. */
export function SafeMarkdown({ children }: { children: string }) {
  return (
    <div className="min-w-0 break-words">
      <Markdown skipHtml components={components}>
        {children}
      </Markdown>
    </div>
  );
}

export function Runbook({ runbook }: { runbook: RunbookDto }) {
  return (
    <div>
      <p className="text-sm text-muted">{runbook.explanation}</p>
      {runbook.commands.length ? (
        <div className="mt-4">
          <h3 className="text-sm font-semibold text-fg">Confirm the variant (in one shell of the same image)</h3>
          {runbook.commands.map((c, i) => (
            <pre key={i} aria-label={`Confirmation command ${i + 1}`} className="mt-2 overflow-x-auto rounded-md border border-line bg-subtle p-3 font-mono text-xs leading-5">
              <code>{c}</code>
            </pre>
          ))}
        </div>
      ) : null}
      {runbook.markdown ? (
        <div className="mt-4 border-t border-line pt-4">
          <SafeMarkdown>{runbook.markdown}</SafeMarkdown>
        </div>
      ) : (
        <p className="mt-3 text-sm text-muted">There is no runbook for this signature yet.</p>
      )}
    </div>
  );
}
