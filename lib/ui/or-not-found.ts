import "server-only";
import { notFound } from "next/navigation";
import { AppError } from "../errors";

export function isNotFound(err: unknown): boolean {
  return err instanceof AppError && err.code === "NOT_FOUND";
}

/** Another team's object reads as missing on a page too, the same as the API's 404. */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (isNotFound(err)) notFound();
    throw err;
  }
}
