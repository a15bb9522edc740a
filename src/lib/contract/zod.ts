import { z } from "zod";

// The pages run under a Content-Security-Policy without 'unsafe-eval'. zod compiles parsers with `new Function`
// when it can, and merely probing for it is reported as a violation, so in the browser it runs without.
if (typeof window !== "undefined") z.config({ jitless: true });

/** zod, configured for where it runs: every contract schema imports it from here. */
export { z };
