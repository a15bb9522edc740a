import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * How Chromium is started so that its sandbox runs wherever the kernel lets it. Chromium refuses its sandbox when
 * it runs as root; as root we therefore start it as the unprivileged user 65534 ("nobody"), through a small
 * wrapper that drops privileges with setpriv. Only when that launch fails (no user namespaces, no setpriv, a
 * Chromium that user cannot read) does the browser run without its sandbox, with a logged warning saying why.
 */

/** The unprivileged user (and group) Chromium runs as when fleetdeck runs as root. */
export const UNPRIVILEGED_ID = 65534;

export type SandboxState = { sandboxed: true; uid: number } | { sandboxed: false; reason: string };

export interface LaunchPlan {
  /** The executable for one launch; `done()` removes what it needed, once Chromium runs or has failed to start. */
  executable(): { path: string; done(): void };
  /** Playwright adds --no-sandbox unless this is true. */
  chromiumSandbox: boolean;
  /** What running this plan means, for the log and for tests. */
  state: SandboxState;
}

const SETPRIV_PATHS = ["/usr/bin/setpriv", "/bin/setpriv"];

const direct = (chromiumPath: string) => () => ({ path: chromiumPath, done: () => {} });

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/**
 * The launches to try, in order: the sandboxed one first, then the unsandboxed fallback (or, as root without
 * setpriv, the fallback alone). The caller keeps the first plan that starts.
 */
export function launchPlans(chromiumPath: string): LaunchPlan[] {
  if (!isRoot()) {
    const uid = typeof process.getuid === "function" ? process.getuid() : -1;
    return [
      { executable: direct(chromiumPath), chromiumSandbox: true, state: { sandboxed: true, uid } },
      {
        executable: direct(chromiumPath),
        chromiumSandbox: false,
        state: {
          sandboxed: false,
          reason:
            "the kernel refused Chromium's sandbox (no unprivileged user namespaces and no setuid sandbox helper)",
        },
      },
    ];
  }
  const setpriv = SETPRIV_PATHS.find((p) => fs.existsSync(p));
  if (!setpriv) {
    return [
      {
        executable: direct(chromiumPath),
        chromiumSandbox: false,
        state: {
          sandboxed: false,
          reason:
            "fleetdeck runs as root, where Chromium refuses its sandbox, and setpriv is missing to run it as an unprivileged user",
        },
      },
    ];
  }
  return [
    {
      executable: () => unprivilegedWrapper(setpriv, chromiumPath),
      chromiumSandbox: true,
      state: { sandboxed: true, uid: UNPRIVILEGED_ID },
    },
    {
      executable: direct(chromiumPath),
      chromiumSandbox: false,
      state: {
        sandboxed: false,
        reason: `fleetdeck runs as root, where Chromium refuses its sandbox, and Chromium could not start as the unprivileged user ${UNPRIVILEGED_ID} (no user namespaces, or that user cannot read ${chromiumPath})`,
      },
    },
  ];
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * An executable that starts Chromium as UNPRIVILEGED_ID. Playwright creates the profile folder (as root) and passes
 * it as --user-data-dir: the wrapper hands it to that user and makes it Chromium's home, the only place it writes.
 * It lives in a private (0700) folder only for the launch: once Chromium has replaced it (exec), it is removed.
 */
function unprivilegedWrapper(setpriv: string, chromiumPath: string): { path: string; done(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleetdeck-chromium-"));
  const wrapper = path.join(dir, "chromium-unprivileged");
  const id = String(UNPRIVILEGED_ID);
  fs.writeFileSync(
    wrapper,
    [
      "#!/bin/sh",
      "profile=",
      'for arg in "$@"; do',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
      '  case "$arg" in --user-data-dir=*) profile="${arg#--user-data-dir=}" ;; esac',
      "done",
      `if [ -n "$profile" ]; then chown -R ${id}:${id} "$profile" && export HOME="$profile" XDG_CONFIG_HOME="$profile" XDG_CACHE_HOME="$profile"; fi`,
      `exec ${shellQuote(setpriv)} --reuid=${id} --regid=${id} --clear-groups -- ${shellQuote(chromiumPath)} "$@"`,
      "",
    ].join("\n"),
    { mode: 0o700 },
  );
  return { path: wrapper, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
