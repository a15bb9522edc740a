"use client";

import { type FormEvent, useId, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { createToken } from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { type ApiToken, PROJECT_ROLES, type ProjectRole, ROLE_ABILITIES } from "@/lib/contract/auth";
import type { Project } from "@/lib/contract/resources";
import { emptyTokenForm, MAX_EXPIRY_DAYS, type TokenFormProblems, tokenRequest } from "../lib/tokens";

/** Name, role, optional projects and expiry; the new token and its secret go to `onCreated` (shown once there). */
export function CreateTokenForm({
  projects,
  projectsError,
  onCreated,
}: {
  /** null while loading. */
  projects: Project[] | null;
  projectsError: string | null;
  onCreated: (created: { token: ApiToken; secret: string }) => void;
}) {
  const [form, setForm] = useState(emptyTokenForm);
  const [problems, setProblems] = useState<TokenFormProblems>({});
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const busy = useRef(false);
  const projectsHintId = useId();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy.current) return;
    const { request, problems: found } = tokenRequest(form);
    setProblems(found ?? {});
    if (!request) return;
    busy.current = true;
    setSending(true);
    setError(null);
    try {
      onCreated(await createToken(request));
      setForm(emptyTokenForm());
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      busy.current = false;
      setSending(false);
    }
  }

  function toggleProject(id: string, on: boolean) {
    setForm((f) => ({ ...f, projectIds: on ? [...f.projectIds, id] : f.projectIds.filter((p) => p !== id) }));
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create an API token" className="space-y-4">
      {error && <Alert tone="danger">{error}</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Token name"
          name="name"
          placeholder="e.g. Nightly export script"
          autoComplete="off"
          maxLength={100}
          value={form.name}
          onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))}
          error={problems.name}
        />
        <div>
          <SelectField
            label="Role"
            name="role"
            value={form.role}
            onChange={(e) => setForm((f) => ({ ...f, role: e.target.value as ProjectRole }))}
          >
            {PROJECT_ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </SelectField>
          <p className="mt-1 text-xs text-slate-500">
            Can {ROLE_ABILITIES[form.role]}. Never more than your own role on a project.
          </p>
        </div>
      </div>

      <fieldset aria-describedby={projectsHintId}>
        <legend className="block text-sm font-medium text-slate-700">Projects</legend>
        <p id={projectsHintId} className="mt-0.5 text-xs text-slate-500">
          Tick some to limit the token to them. None ticked: every project you are a member of, now and later.
        </p>
        {projectsError ? (
          <p className="mt-2 text-sm text-red-700">Could not load your projects: {projectsError}</p>
        ) : !projects ? (
          <p className="mt-2 text-sm text-slate-500">Loading your projects…</p>
        ) : !projects.length ? (
          <p className="mt-2 text-sm text-slate-500">You are not a member of any project yet.</p>
        ) : (
          <ul className="mt-2 max-h-48 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2">
            {projects.map((project) => (
              <li key={project.id}>
                <label className="flex cursor-pointer items-center gap-2 rounded px-1 py-0.5 text-sm hover:bg-slate-50">
                  <input
                    type="checkbox"
                    name="projectIds"
                    value={project.id}
                    checked={form.projectIds.includes(project.id)}
                    onChange={(e) => toggleProject(project.id, e.target.checked)}
                    className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
                  />
                  <span className="min-w-0 flex-1 truncate text-slate-900">{project.name}</span>
                  <span className="text-xs text-slate-500">you: {project.role}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>

      <TextField
        label="Expires in (days)"
        name="expiresInDays"
        inputMode="numeric"
        placeholder="Never"
        hint={`Blank: it never expires. At most ${MAX_EXPIRY_DAYS.toLocaleString("en-US")} days.`}
        value={form.expiresInDays}
        onChange={(e) => setForm((f) => ({ ...f, expiresInDays: e.target.value }))}
        error={problems.expiresInDays}
        className="sm:max-w-xs"
      />
      <Button type="submit" loading={sending}>
        Create token
      </Button>
    </form>
  );
}
