import { NotFoundMessage } from "@/components/ui/not-found-message";

/** Inside the console a missing page keeps the navigation. */
export default function ConsoleNotFound() {
  return <NotFoundMessage />;
}
