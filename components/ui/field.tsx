import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";
import { cx } from "./cx";

/** Input and select styling; `size` is separate because two Tailwind heights on one element do not override by order. */
export function controlClass(size = "h-9 w-full text-sm"): string {
  return cx(
    "block rounded-md border border-zinc-300 bg-white px-2.5 text-zinc-900 placeholder:text-zinc-500",
    "dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100 dark:placeholder:text-zinc-500",
    "disabled:opacity-60",
    size,
  );
}

interface TFieldProps {
  label: string;
  hint?: ReactNode;
  className?: string;
}

/** A labelled input; the visible label is the accessible name, the hint its description. */
export function Field({ label, hint, className, id, name, ...input }: TFieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const inputId = id ?? auto;
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div className={className}>
      <label htmlFor={inputId} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      <input id={inputId} name={name} aria-describedby={hintId} className={controlClass()} {...input} />
      {hint && (
        <p id={hintId} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          {hint}
        </p>
      )}
    </div>
  );
}

export function SelectField({
  label,
  hint,
  className,
  id,
  name,
  children,
  ...select
}: TFieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const auto = useId();
  const selectId = id ?? auto;
  const hintId = hint ? `${selectId}-hint` : undefined;
  return (
    <div className={className}>
      <label htmlFor={selectId} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      <select id={selectId} name={name} aria-describedby={hintId} className={controlClass()} {...select}>
        {children}
      </select>
      {hint && (
        <p id={hintId} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          {hint}
        </p>
      )}
    </div>
  );
}
