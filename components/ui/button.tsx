import type { ButtonHTMLAttributes } from "react";
import { cx } from "./cx";

export type TButtonVariant = "primary" | "secondary" | "danger" | "ghost";

const VARIANTS: Record<TButtonVariant, string> = {
  primary: "bg-blue-600 text-white hover:bg-blue-700 border-transparent",
  secondary:
    "bg-white text-zinc-900 border-zinc-300 hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800",
  danger:
    "bg-white text-red-700 border-red-300 hover:bg-red-50 dark:bg-zinc-900 dark:text-red-300 dark:border-red-800 dark:hover:bg-red-950",
  ghost: "bg-transparent text-zinc-700 border-transparent hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
};

export function buttonClass(variant: TButtonVariant = "secondary", size: "sm" | "md" = "md"): string {
  return cx(
    "inline-flex items-center justify-center gap-1.5 whitespace-nowrap rounded-md border font-medium transition-colors",
    "aria-disabled:cursor-not-allowed aria-disabled:opacity-50 disabled:cursor-not-allowed disabled:opacity-50",
    size === "sm" ? "h-7 px-2.5 text-xs" : "h-9 px-3.5 text-sm",
    VARIANTS[variant],
  );
}

export interface TButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: TButtonVariant;
  size?: "sm" | "md";
  /**
   * Why the caller cannot use this control. The button stays focusable and shows the reason as a
   * tooltip instead of being silently disabled (a disabled button gets no hover or focus).
   */
  disabledReason?: string;
}

export function Button({ variant, size, disabledReason, className, onClick, type = "button", title, ...rest }: TButtonProps) {
  const blocked = Boolean(disabledReason);
  return (
    <button
      type={type}
      className={cx(buttonClass(variant, size), className)}
      aria-disabled={blocked || undefined}
      title={disabledReason ?? title}
      onClick={blocked ? (e) => e.preventDefault() : onClick}
      {...rest}
    />
  );
}
