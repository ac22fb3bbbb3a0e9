import { publicUrl } from "@/lib/env";
import { requireAgentBundle } from "@/lib/hosts/agent-bundle";
import { installScript } from "@/lib/hosts/install-script";
import { publicRoute } from "@/lib/http/route";

/** `curl -fsSL <console>/api/v1/agent/install.sh | sh -s -- --token <token>` */
export const GET = publicRoute({}, async () => {
  const bundle = requireAgentBundle();
  const consoleUrl = publicUrl().toString().replace(/\/$/, "");
  return new Response(installScript(consoleUrl, bundle), {
    headers: { "Content-Type": "text/x-shellscript; charset=utf-8", "X-Berth-Agent-Version": bundle.version, "Cache-Control": "no-cache" },
  });
});
