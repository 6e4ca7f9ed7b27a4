import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { describeError, fieldErrors, shownAtFields } from './api.js';

export function Loading({ what = 'Loading…' }: { what?: string }) {
  return (
    <p className="muted" role="status">
      {what}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A failed request, said in words (role=alert: a screen reader reads it out). */
export function ErrorNote({ error, fields }: { error: unknown; fields?: readonly string[] }) {
  if (error === null || error === undefined) return null;
  if (fields && shownAtFields(error, fields)) {
    return (
      <p className="error" role="alert">
        Please correct the fields marked below.
      </p>
    );
  }
  return (
    <p className="error" role="alert">
      {describeError(error)}
    </p>
  );
}

/** The page's heading, focused when the screen changes (keyboard and screen-reader users start there). */
export function Title({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

interface FieldProps {
  label: string;
  name: string;
  error: unknown;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  required?: boolean;
  multiline?: boolean;
  autoComplete?: string;
  hint?: string;
}

/** A labelled input; a 422 naming this field is shown under it and linked to it. */
export function Field({
  label,
  name,
  error,
  value,
  onChange,
  type = 'text',
  required,
  multiline,
  autoComplete,
  hint,
}: FieldProps) {
  const id = useId();
  const problem = fieldErrors(error)[name];
  const described = [hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name,
    value,
    required,
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': described,
  } as const;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type={type} autoComplete={autoComplete} onChange={(e) => onChange(e.target.value)} />
      )}
      {hint ? (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      ) : null}
      {problem ? (
        <span id={`${id}-error`} className="field-error">
          {problem}
        </span>
      ) : null}
    </div>
  );
}

/** A secret the server shows once (a token, a link, a signing secret), with a copy button. */
export function SecretOnce({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  const id = useId();
  return (
    <section className="secret" aria-labelledby={id}>
      <p id={id}>
        <strong>{label}</strong> — shown only this once: copy it now.
      </p>
      <code data-secret="">{value}</code>
      <button
        type="button"
        onClick={async () => {
          await navigator.clipboard?.writeText(value).catch(() => undefined);
          setCopied(true);
        }}
      >
        Copy
      </button>
      <span role="status" className="muted">
        {copied ? 'Copied.' : ''}
      </span>
    </section>
  );
}

/** A destructive action that asks once more, in the page (no browser dialog). */
export function ConfirmButton({
  label,
  name,
  question,
  confirmLabel,
  onConfirm,
  disabled,
}: {
  label: string;
  /** The button's accessible name when the label alone is too short to say what it acts on (it contains the label). */
  name?: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button
        type="button"
        className="danger-outline"
        aria-label={name}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <span>{question}</span>
      <button
        ref={yes}
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/**
 * A modal dialog (the browser's own `<dialog>`, opened with `showModal()`): focus moves into it and
 * stays there, the page behind is inert, Escape closes it, and focus returns to what opened it.
 */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    const closed = () => close.current();
    dialog.addEventListener('close', closed);
    return () => {
      dialog.removeEventListener('close', closed);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </dialog>
  );
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
