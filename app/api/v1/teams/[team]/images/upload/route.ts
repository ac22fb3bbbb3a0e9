import { errorResponse, json, route } from "@/lib/http/route";
import { uploadImage, ZImageUploadQuery } from "@/lib/registry/upload";

// The body is a tarball read as a stream by the use case: no body schema, so route() leaves it unread.
export const POST = route({ query: ZImageUploadQuery }, async ({ req, principal, params, query }) => {
  try {
    const uploaded = await uploadImage(principal, params.team, query, { body: req.body, contentLength: req.headers.get("content-length") });
    return json(uploaded, 201);
  } catch (err) {
    // The rest of a refused body is not read: closing the connection spares the client sending it.
    const res = errorResponse(err);
    res.headers.set("Connection", "close");
    return res;
  }
});
