import Link from "next/link";

export function NotFoundMessage() {
  return (
    <div className="mx-auto max-w-md px-4 py-16 text-center">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">This page does not exist, or it belongs to a team you are not in.</p>
      <Link href="/" className="mt-4 inline-block text-sm font-medium text-blue-700 hover:underline dark:text-blue-400">
        Back to the dashboard
      </Link>
    </div>
  );
}
