import { describe, expect, it } from "vitest";
import { neutralizeFormula } from "@/server/executions/formula-guard";
import { FORMULA_CASES } from "../helpers/formula-cases";

describe("neutralizeFormula", () => {
  it.each(FORMULA_CASES)("%s", (_name, cell, exported) => {
    expect(neutralizeFormula(cell)).toBe(exported);
  });
});
