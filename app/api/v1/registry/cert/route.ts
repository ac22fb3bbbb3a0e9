import { publicRoute } from "@/lib/http/route";
import { tokenSigner } from "@/lib/registry/runtime";

/** The certificate an external registry's `auth.token.rootcertbundle` must hold to trust this console. */
export const GET = publicRoute({}, async () => {
  const signer = await tokenSigner();
  return new Response(signer.certPem, { headers: { "Content-Type": "application/x-pem-file" } });
});
