// The batch page's agent config section as a viewer and as an operator sees it (rendered to HTML, no browser).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AgentConfigSection } from "@/features/batches/components/agent-config-section";
import { agentConfigSchema } from "@/lib/contract/agent";
import type { Batch } from "@/lib/contract/resources";

const batch: Batch = {
  id: "b1",
  projectId: "p1",
  name: "Shop",
  sourceFileName: null,
  columns: ["url"],
  rowCount: 5,
  urlColumn: "url",
  goalColumn: null,
  idColumn: null,
  agent: agentConfigSchema.parse({
    engine: "http",
    fields: [{ name: "price", selector: ".price" }],
    steps: [{ action: "click", selector: "#more" }],
  }),
  invalidRows: [],
  createdAt: "2026-01-01T00:00:00.000Z",
};

const render = (canEdit: boolean) =>
  renderToStaticMarkup(createElement(AgentConfigSection, { batch, canEdit, onSaved: () => {} }));

describe("the agent config section", () => {
  it("shows a viewer the config read-only: every control disabled, no Try, no Save, no add or remove", () => {
    const html = render(false);
    expect(html).toContain('value=".price"');
    expect(html).toContain('value="#more"');
    expect(html.match(/<fieldset disabled=""/g)).toHaveLength(3);
    expect(html).not.toMatch(/Try on row|Save as|Add field|Add step|Remove field/);
  });

  it("gives an operator the form, Try on row 3 and Save (disabled until something changed)", () => {
    const html = render(true);
    expect(html).not.toContain('<fieldset disabled=""');
    expect(html).toContain("Try on row 3");
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Save as a new version<\/button>/);
    expect(html).toContain("Add field");
  });
});
