"use client";

import { useState } from "react";
import Markdown from "react-markdown";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { NotesDtoSchema, type SweepDetailDto } from "@/lib/api/specs/sweeps";
import { ApiError } from "@/lib/queries/fetch-json";
import { sendJson } from "@/lib/queries/send-json";
import { sweepKeys, sweepUrls } from "@/lib/sweeps/client/queries";
import { Button } from "@/components/ui/button";

/** Markdown as text formatting only: raw HTML in the notes is dropped, links open safely. */
export function NotesMarkdown({ text }: { text: string }) {
  return (
    <div className="space-y-2 text-sm leading-6 [&_a]:text-accent [&_a]:underline [&_code]:rounded [&_code]:bg-subtle [&_code]:px-1 [&_code]:font-mono [&_code]:text-[0.85em] [&_h1]:text-base [&_h1]:font-semibold [&_h2]:text-sm [&_h2]:font-semibold [&_h3]:font-medium [&_li]:ml-5 [&_ol]:list-decimal [&_pre]:overflow-x-auto [&_pre]:rounded-md [&_pre]:bg-subtle [&_pre]:p-2 [&_ul]:list-disc [&_blockquote]:border-l-2 [&_blockquote]:border-line-strong [&_blockquote]:pl-3 [&_blockquote]:text-muted">
      <Markdown
        skipHtml
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow">
              {children}
            </a>
          ),
          img: ({ alt }) => <span className="text-muted">[image: {alt ?? ""}]</span>,
        }}
      >
        {text}
      </Markdown>
    </div>
  );
}

/** The sweep's Markdown notes: view, edit, save with the version the edit started from (409 → conflict message). */
export function SweepNotes({ sweep }: { sweep: SweepDetailDto }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<{ text: string; baseVersion: number } | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (e: { text: string; baseVersion: number }) => sendJson("PUT", sweepUrls.notes(sweep.id), { notes: e.text, notesVersion: e.baseVersion }, NotesDtoSchema),
    onSuccess: (dto) => {
      queryClient.setQueryData<SweepDetailDto>(sweepKeys.detail(sweep.id), (old) => (old ? { ...old, notes: dto.notes, notesVersion: dto.notesVersion } : old));
      setEditing(null);
      setConflict(null);
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) {
        setConflict("Someone saved these notes after you started editing. Your text is kept below; copy what you need, then load their version and edit again.");
        void queryClient.invalidateQueries({ queryKey: sweepKeys.detail(sweep.id) });
      } else setConflict(err instanceof Error ? err.message : "Saving failed.");
    },
  });

  if (!editing) {
    return (
      <div className="space-y-3 p-4">
        {sweep.notes.trim() ? <NotesMarkdown text={sweep.notes} /> : <p className="text-sm text-muted">No notes yet. Record what you learned from this sweep; Markdown works.</p>}
        <Button size="sm" onClick={() => setEditing({ text: sweep.notes, baseVersion: sweep.notesVersion })}>
          {sweep.notes.trim() ? "Edit notes" : "Add notes"}
        </Button>
      </div>
    );
  }
  const newer = sweep.notesVersion > editing.baseVersion;
  return (
    <div className="space-y-3 p-4">
      {conflict ? (
        <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-400/30 dark:bg-amber-400/10 dark:text-amber-200">
          <p>{conflict}</p>
          {newer ? (
            <Button
              className="mt-2"
              size="sm"
              onClick={() => {
                setEditing({ text: sweep.notes, baseVersion: sweep.notesVersion });
                setConflict(null);
              }}
            >
              Load the newer version (version {sweep.notesVersion})
            </Button>
          ) : null}
        </div>
      ) : null}
      <label htmlFor={`notes-${sweep.id}`} className="sr-only">
        Notes (Markdown)
      </label>
      <textarea
        id={`notes-${sweep.id}`}
        className="h-48 w-full rounded-md border border-line-strong bg-surface p-2 font-mono text-sm focus:border-accent focus:outline-none"
        value={editing.text}
        maxLength={100_000}
        onChange={(e) => setEditing({ ...editing, text: e.target.value })}
      />
      {editing.text.trim() ? (
        <details className="text-sm">
          <summary className="cursor-pointer text-xs text-muted">Preview</summary>
          <div className="mt-2 rounded-md border border-line p-3">
            <NotesMarkdown text={editing.text} />
          </div>
        </details>
      ) : null}
      <div className="flex gap-2">
        <Button size="sm" variant="primary" disabled={save.isPending} onClick={() => save.mutate(editing)}>
          {save.isPending ? "Saving…" : "Save notes"}
        </Button>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => {
            setEditing(null);
            setConflict(null);
          }}
        >
          Discard
        </Button>
      </div>
    </div>
  );
}
