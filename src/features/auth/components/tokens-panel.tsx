"use client";

import { KeyRound } from "lucide-react";
import { useMemo, useState } from "react";
import { LoadError } from "@/components/app/load-error";
import { Alert } from "@/components/ui/alert";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock } from "@/components/ui/skeleton";
import { Table, TBody, TD, TH, THead } from "@/components/ui/table";
import { listProjects, listTokens, revokeToken } from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { useApiResource } from "@/lib/client/use-api-resource";
import type { ApiToken } from "@/lib/contract/auth";
import { formatDate, formatRelative } from "@/lib/format";
import { type TokenStatus, tokenScope, tokenStatus } from "../lib/tokens";
import { CreateTokenForm } from "./create-token-form";
import { NewTokenSecret } from "./new-token-secret";

const STATUS_TONES: Record<TokenStatus, Tone> = { active: "success", revoked: "neutral", expired: "warning" };

/** The person's API tokens: create one (its secret shown once), the list with last use and status, revoke. */
export function TokensPanel() {
  const tokens = useApiResource("tokens", () => listTokens().then((r) => r.tokens));
  const projects = useApiResource("token-projects", () => listProjects().then((r) => r.projects));
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const projectNames = useMemo(
    () => new Map((projects.data ?? []).map((p) => [p.id, p.name] as const)),
    [projects.data],
  );

  return (
    <section aria-labelledby="tokens-title" className="space-y-4">
      <div>
        <h2 id="tokens-title" className="text-base font-semibold text-slate-900">
          API tokens
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          For scripts and other programs: a token acts as you, with the role you give it, on the projects you choose.
        </p>
      </div>

      <Card>
        <CardHeader>
          <h3 className="text-sm font-semibold text-slate-900">New token</h3>
        </CardHeader>
        <CardBody className="space-y-4">
          {created && <NewTokenSecret name={created.name} secret={created.secret} onDone={() => setCreated(null)} />}
          <CreateTokenForm
            projects={projects.data}
            projectsError={projects.error?.message ?? null}
            onCreated={({ token, secret }) => {
              setCreated({ name: token.name, secret });
              void tokens.reload();
            }}
          />
        </CardBody>
      </Card>

      {tokens.loading ? (
        <LoadingBlock label="Loading your tokens…" lines={2} />
      ) : tokens.error ? (
        <LoadError title="Could not load your tokens" message={tokens.error.message} onRetry={tokens.reload} />
      ) : !tokens.data?.length ? (
        <EmptyState icon={KeyRound} title="No API tokens yet">
          Create one above for each script or program, so each can be revoked on its own.
        </EmptyState>
      ) : (
        <TokensTable tokens={tokens.data} projectNames={projectNames} onRevoke={setRevoking} />
      )}

      <RevokeDialog
        token={revoking}
        onClose={() => setRevoking(null)}
        onRevoked={() => {
          setRevoking(null);
          void tokens.reload();
        }}
      />
    </section>
  );
}

/** One row per token, revoked and expired ones too (for the record); only active ones can be revoked. */
export function TokensTable({
  tokens,
  projectNames,
  onRevoke,
}: {
  tokens: ApiToken[];
  projectNames: ReadonlyMap<string, string>;
  onRevoke: (token: ApiToken) => void;
}) {
  const now = Date.now();
  return (
    <Table label="API tokens">
      <THead>
        <tr>
          <TH>Name</TH>
          <TH>Prefix</TH>
          <TH>Role</TH>
          <TH>Scope</TH>
          <TH>Created</TH>
          <TH>Last used</TH>
          <TH>Expires</TH>
          <TH>Status</TH>
          <TH>
            <span className="sr-only">Actions</span>
          </TH>
        </tr>
      </THead>
      <TBody>
        {tokens.map((token) => {
          const status = tokenStatus(token, now);
          return (
            <tr key={token.id} data-testid="token-row" data-token-id={token.id}>
              <TD className="font-medium">{token.name}</TD>
              <TD className="whitespace-nowrap font-mono text-xs">{token.prefix}…</TD>
              <TD>{token.role}</TD>
              <TD className="max-w-[16rem]">{tokenScope(token, projectNames)}</TD>
              <TD className="whitespace-nowrap">
                <time dateTime={token.createdAt}>{formatDate(token.createdAt)}</time>
              </TD>
              <TD className="whitespace-nowrap">
                {token.lastUsedAt ? (
                  <time dateTime={token.lastUsedAt}>{formatRelative(token.lastUsedAt)}</time>
                ) : (
                  "Never"
                )}
              </TD>
              <TD className="whitespace-nowrap">
                {token.expiresAt ? <time dateTime={token.expiresAt}>{formatDate(token.expiresAt)}</time> : "Never"}
              </TD>
              <TD>
                <Badge tone={STATUS_TONES[status]}>{status}</Badge>
              </TD>
              <TD className="text-right">
                {status === "active" && (
                  <Button
                    variant="secondary"
                    size="sm"
                    onClick={() => onRevoke(token)}
                    aria-label={`Revoke ${token.name}`}
                  >
                    Revoke
                  </Button>
                )}
              </TD>
            </tr>
          );
        })}
      </TBody>
    </Table>
  );
}

function RevokeDialog({
  token,
  onClose,
  onRevoked,
}: {
  token: ApiToken | null;
  onClose: () => void;
  onRevoked: () => void;
}) {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function revoke() {
    if (!token) return;
    setSending(true);
    setError(null);
    try {
      await revokeToken(token.id);
      onRevoked();
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setSending(false);
    }
  }

  return (
    <Dialog
      open={token !== null}
      onOpenChange={(open) => {
        if (!open && !sending) {
          setError(null);
          onClose();
        }
      }}
      title="Revoke this token?"
      description={token ? `“${token.name}” (${token.prefix}…)` : undefined}
    >
      <div className="space-y-4">
        <p className="text-sm text-slate-700">
          Anything using it stops working at once, open live views included. This cannot be undone: a script that still
          needs access needs a new token.
        </p>
        {error && <Alert tone="danger">{error}</Alert>}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose} disabled={sending}>
            Cancel
          </Button>
          <Button variant="danger" onClick={() => void revoke()} loading={sending}>
            Revoke token
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
