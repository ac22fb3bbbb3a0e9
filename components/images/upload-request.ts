"use client";

import { z } from "zod";
import { ZErrorBody } from "@/lib/protocol/api";
import { ApiError } from "../api-fetch";

export const ZImageUploaded = z.object({ repository: z.string(), tag: z.string(), digest: z.string() });
export type TImageUploaded = z.infer<typeof ZImageUploaded>;

export interface TUploadHandle {
  done: Promise<TImageUploaded>;
  abort: () => void;
}

function failure(xhr: XMLHttpRequest, maxBytes: number): ApiError {
  let data: unknown = null;
  try {
    data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
  } catch (err) {
    // A proxy's HTML error page: the status line below still explains it.
    console.warn("upload answer was not JSON", err);
  }
  const parsed = ZErrorBody.safeParse(data);
  if (parsed.success) return new ApiError(xhr.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
  if (xhr.status === 413) return new ApiError(413, "PAYLOAD_TOO_LARGE", `The tarball is larger than this console accepts (${Math.round(maxBytes / 1024 ** 2)} MiB)`);
  return new ApiError(xhr.status, "HTTP", `The console answered ${xhr.status} ${xhr.statusText}`.trim());
}

/**
 * Streams a tarball to the upload endpoint with XMLHttpRequest, which (unlike fetch) reports
 * upload progress. `onSent` fires once every byte left the browser and the console is storing
 * the layers, which for a large image takes a while by itself.
 */
export function uploadTarball(opts: {
  team: string;
  repository: string;
  tag: string;
  file: File;
  maxBytes: number;
  onProgress: (loaded: number, total: number) => void;
  onSent: () => void;
}): TUploadHandle {
  const xhr = new XMLHttpRequest();
  const query = new URLSearchParams({ repository: opts.repository, tag: opts.tag });
  const done = new Promise<TImageUploaded>((resolve, reject) => {
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) opts.onProgress(e.loaded, e.total);
    });
    xhr.upload.addEventListener("load", () => opts.onSent());
    xhr.addEventListener("load", () => {
      if (xhr.status === 200 || xhr.status === 201) {
        try {
          resolve(ZImageUploaded.parse(JSON.parse(xhr.responseText)));
        } catch (err) {
          reject(new ApiError(xhr.status, "HTTP", `The console's answer was not understood (${(err as Error).message})`));
        }
        return;
      }
      // The session ended (expired, or the user was disabled): the login page says so.
      if (xhr.status === 401) window.location.assign("/login?error=SessionExpired");
      reject(failure(xhr, opts.maxBytes));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "NETWORK", "The upload broke off: the console could not be reached; check the connection and try again")));
    xhr.addEventListener("abort", () => reject(new ApiError(0, "ABORTED", "Upload cancelled")));
  });
  xhr.open("POST", `/api/v1/teams/${encodeURIComponent(opts.team)}/images/upload?${query.toString()}`);
  xhr.withCredentials = true;
  xhr.setRequestHeader("content-type", "application/x-tar");
  xhr.setRequestHeader("accept", "application/json");
  xhr.send(opts.file);
  return { done, abort: () => xhr.abort() };
}
