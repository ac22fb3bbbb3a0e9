"use client";

import { Button, type TButtonProps } from "./button";

/**
 * A Button that shows why it cannot be used, for server components: Button attaches a click
 * handler to swallow the click, and a server component cannot hand functions to the browser.
 */
export function BlockedButton(props: TButtonProps & { disabledReason: string }) {
  return <Button {...props} />;
}
