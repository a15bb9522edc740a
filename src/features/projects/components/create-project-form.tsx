"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { createProject } from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { projectPath } from "@/lib/client/paths";

/** Name a project and create it; on success the new project opens. */
export function CreateProjectForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const sending = useRef(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (sending.current) return;
    if (!name.trim()) {
      setError("Give the project a name.");
      return;
    }
    sending.current = true;
    setSaving(true);
    setError(null);
    try {
      const { project } = await createProject({ name: name.trim() });
      router.push(projectPath(project.id));
    } catch (e) {
      setError(toApiError(e).message);
      sending.current = false;
      setSaving(false);
    }
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="create-project-title"
      className="flex flex-col gap-3 sm:flex-row sm:items-start"
    >
      <h2 id="create-project-title" className="sr-only">
        Create a project
      </h2>
      <TextField
        label="Project name"
        name="name"
        placeholder="e.g. Competitor prices"
        autoComplete="off"
        maxLength={200}
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          if (error) setError(null);
        }}
        error={error}
        className="flex-1"
      />
      <Button type="submit" loading={saving} className="sm:mt-6">
        Create project
      </Button>
    </form>
  );
}
