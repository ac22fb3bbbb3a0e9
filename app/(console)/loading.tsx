export default function Loading() {
  return (
    <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
      Loading…
    </p>
  );
}
