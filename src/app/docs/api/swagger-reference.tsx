"use client";

import "swagger-ui-dist/swagger-ui.css";
import { useEffect, useRef, useState } from "react";

/**
 * Swagger UI (swagger-ui-dist), bundled with the app and served from its own origin: the page's strict
 * Content-Security-Policy holds (no CDN, no eval; its styles are a stylesheet). Loaded on demand, so its 1.7 MB
 * weigh on this page only. The online validator badge is off: it would send the document to a third party.
 */
export function SwaggerReference({ url }: { url: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    import("swagger-ui-dist/swagger-ui-bundle.js")
      .then(({ default: SwaggerUIBundle }) => {
        if (cancelled || !container.current) return;
        SwaggerUIBundle({
          domNode: container.current,
          url,
          validatorUrl: null,
          deepLinking: true,
          docExpansion: "list",
          defaultModelsExpandDepth: 0,
          displayOperationId: true,
          tryItOutEnabled: false,
        });
      })
      .catch((e: unknown) => setFailed(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [url]);

  if (failed)
    return (
      <p role="alert">
        The reference could not load ({failed}); the document is at {url}.
      </p>
    );
  return <div ref={container} className="rounded-md border border-slate-200 bg-white" data-testid="api-reference" />;
}
